// The default templates, embedded in the binary by SwiftPM (`.embedInCode`).

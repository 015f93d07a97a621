// Asking the kernel for transparent huge pages on a large buffer that is about to be written in full (a map's
// voxels as they are read): one page fault per 2 MiB instead of one per 4 KiB. Where THP is "madvise" (Debian's
// default) this is what makes reading a 256³ map cost its copy rather than its 16,384 page faults (issue 16).
// Advice only: a kernel without THP ignores it, and the data are the same either way.
#if canImport(Glibc)
import Glibc
#endif

public enum HugePages {
    /// Advises huge pages for the whole 2 MiB pages inside `buffer` (none when it is smaller than 4 MiB).
    public static func advise(_ buffer: UnsafeMutableRawBufferPointer) {
        #if canImport(Glibc)
        let huge = 2 << 20
        guard let base = buffer.baseAddress, buffer.count >= 2 * huge else { return }
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + buffer.count) & ~(huge - 1)
        guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(p, end - start, MADV_HUGEPAGE)
        #endif
    }

    /// An array of `count` elements of a trivial type (Bool, Float, …) whose buffer is advised huge pages before
    /// `fill` writes it. `fill` must write every element: the array is not cleared first.
    public static func array<T: BitwiseCopyable>(count: Int, filledBy fill: (UnsafeMutableBufferPointer<T>) -> Void) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialised in
            advise(UnsafeMutableRawBufferPointer(buffer))
            fill(buffer)
            initialised = count
        }
    }
}

// Reads a workflow file and recognises its format from its content: a JSON list (Scipion workflow export)
// or a STAR file with RELION's pipeline tables (default_pipeline.star, with data_pipeline_processes).
import Foundation

public enum WorkflowReader {
    public static func read(path: String) throws -> Workflow {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) }
        catch { throw WorkflowError(file: path, message: "cannot read the file (\((error as NSError).localizedDescription))") }
        let firstByte = data.first { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
        if firstByte == UInt8(ascii: "[") || firstByte == UInt8(ascii: "{") {
            return try ScipionWorkflow.parse(data, file: path)
        }
        if let text = String(data: data, encoding: .utf8), text.contains("data_pipeline_processes") {
            return try RelionPipeline.parse(text, file: path)
        }
        throw WorkflowError(file: path, message: "unknown workflow format; expected a Scipion workflow export (a JSON list of protocols) or RELION's default_pipeline.star (with data_pipeline_processes)")
    }
}

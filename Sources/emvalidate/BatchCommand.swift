// `emvalidate batch TABLE.csv -o DIR [--jobs N] [--slurm]`: one report per table row.
import ArgumentParser
import Foundation
import Report

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Write one report per row of a CSV table into DIR/<entry>/, with DIR/index.csv and index.html.",
        discussion: """
        Columns (header row; any order): map, threshold (required); resolution, half1, half2, model, title, \
        emdb_id, pdb_id, authors, name (the entry's folder; default NNNN_<map stem>). Relative paths are \
        relative to the table's folder. Public data: a column emdb (EMD-NNNN) instead of map and threshold \
        fetches each entry from the archive as `report --emdb` does (a file of bare EMDB ids, one per line, \
        works too); downloads go through the shared cache, so tasks never fetch the same file twice at once. Rows whose report already matches the inputs' SHA-256 and parameters \
        are skipped; a failing row is recorded and the others continue. Exit code 0 when every row is done, \
        65 when some row failed.

        With --slurm, nothing runs here: DIR/slurm/emvalidate-batch.sbatch is written, an array job with one \
        task per row still to do; submit it with sbatch. Each task writes its report and updates the index.

        Examples:
          emvalidate batch emdb-ids.txt -o reports --jobs 2
          emvalidate batch entries.csv -o reports --jobs 2
          emvalidate batch entries.csv -o reports --slurm && sbatch reports/slurm/emvalidate-batch.sbatch
        """)

    @Argument(help: "The CSV table, one row per report.")
    var table: String

    @Option(name: .shortAndLong, help: "Output folder (one subfolder per entry).")
    var output: String

    @Option(name: .long, help: "Reports run at the same time.")
    var jobs: Int = 1

    @Flag(name: .long, help: "Write a Slurm array job script instead of running the rows here.")
    var slurm = false

    @Option(name: .customLong("slurm-cpus"), help: "CPUs per Slurm task.")
    var slurmCPUs: Int = 1

    @Option(name: .long, help: "Run only this row (0-based; used by the Slurm tasks).")
    var row: Int?

    @Flag(name: .customLong("no-pdf"), help: "Write report.tex, figures and metrics.json but no PDF.")
    var noPDF = false

    @Option(name: .customLong("latex-timeout"), help: "Time limit for LaTeX per report, in seconds.")
    var latexTimeout: Int = 300

    @Flag(name: .shortAndLong, help: "No progress output on stderr.")
    var quiet = false

    @Option(name: .customLong("emdb-mirror"), help: "EMDB archive URL or folder for emdb rows (see `emvalidate help report`).")
    var emdbMirror: String?

    @Option(name: .customLong("pdb-mirror"), help: "PDB archive URL or folder for emdb rows.")
    var pdbMirror: String?

    @Option(name: .long, help: "Cache of downloaded files shared by the rows (default $XDG_CACHE_HOME/emvalidate).")
    var cache: String?

    /// The public-data options passed on to each row's report (paths made absolute: rows run elsewhere).
    var publicDataArguments: [String] {
        var a: [String] = []
        func absolute(_ s: String) -> String {
            s.contains("://") ? s : URL(fileURLWithPath: s).standardizedFileURL.path
        }
        if let emdbMirror { a += ["--emdb-mirror", absolute(emdbMirror)] }
        if let pdbMirror { a += ["--pdb-mirror", absolute(pdbMirror)] }
        if let cache { a += ["--cache", absolute(cache)] }
        return a
    }

    func validate() throws {
        guard jobs >= 1, jobs <= 256 else { throw ValidationError("--jobs must be between 1 and 256, got \(jobs)") }
        guard slurmCPUs >= 1 else { throw ValidationError("--slurm-cpus must be positive") }
        guard latexTimeout > 0 else { throw ValidationError("--latex-timeout must be positive") }
        if slurm, row != nil { throw ValidationError("--slurm and --row do not go together") }
    }

    func run() throws {
        Interruption.install()
        let t: BatchTable
        do { t = try BatchTable(path: table) } catch {
            Stderr.print("emvalidate: error: \(error)")
            throw ExitCode(65)
        }
        let options = BatchOptions(outputDirectory: URL(fileURLWithPath: output).standardizedFileURL.path, jobs: jobs,
                                   makePDF: !noPDF, executable: BatchRunner.currentExecutable,
                                   latexTimeoutSeconds: latexTimeout, publicDataArguments: publicDataArguments)
        do { try FileManager.default.createDirectory(atPath: options.outputDirectory, withIntermediateDirectories: true) }
        catch {
            Stderr.print("emvalidate: error: cannot create \(output): \(error.localizedDescription)")
            throw ExitCode(73)
        }
        let quiet = self.quiet
        if slurm {
            let pending = BatchRunner.pending(t, options)
            do {
                try BatchRunner.writeIndex(t, options)
                if let url = try SlurmScript.write(table: t, rows: pending, options: options, cpusPerTask: slurmCPUs) {
                    if !quiet { Stderr.print("\(pending.count) of \(t.rows.count) rows to run. Submit with: sbatch \(url.path)") }
                    print(url.path)
                } else if !quiet {
                    Stderr.print("Every row is up to date; nothing to submit.")
                }
            } catch {
                Stderr.print("emvalidate: error: \(error)")
                throw ExitCode(73)
            }
            return
        }
        let rows: [BatchRow]
        if let row {
            guard let r = t.rows.first(where: { $0.index == row }) else {
                Stderr.print("emvalidate: error: --row \(row): the table has rows 0…\(t.rows.count - 1)")
                throw ExitCode(64)
            }
            rows = [r]
        } else {
            rows = t.rows
        }
        let results = BatchRunner.run(t, rows: rows, options: options,
                                      progress: { line in if !quiet { Stderr.print(line) } })
        do { try BatchRunner.writeIndex(t, options) } catch {
            Stderr.print("emvalidate: error: cannot write the index in \(output): \(error)")
            throw ExitCode(73)
        }
        let failed = results.values.filter { $0.0 == .failed }.count
        if !quiet {
            let ran = results.values.filter { $0.0 == .ran }.count
            let skipped = results.values.filter { $0.0 == .skipped }.count
            Stderr.print("\(ran) written, \(skipped) up to date, \(failed) failed. Index: \(options.outputDirectory)/index.html")
        }
        if failed > 0 { throw ExitCode(65) }
    }
}

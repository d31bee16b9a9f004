import Ember
import Foundation

/// `report.html` in a run folder: a static page a browser opens without a network — the
/// command line, the per-epoch table (from `metrics.csv`), the plots, the first and latest
/// sample or reconstruction grid, the confusion matrix and misclassified images of an image
/// run, and links to the checkpoints. It shows what the folder holds, so every command
/// writes it the same way, after each epoch and once more at the end.
struct RunReport {
    /// The command that made the run, as `ember tutorial` passes its steps' arguments;
    /// the process's own arguments otherwise.
    @TaskLocal static var commandLine: [String] = CommandLine.arguments

    let title: String
    let folder: URL

    static func write(title: String, folder: URL) throws {
        let page = try RunReport(title: title, folder: folder).html()
        try AtomicFile.write(Data(page.utf8), to: folder.appendingPathComponent("report.html"))
    }

    func html() throws -> String {
        var body = "<h1>\(title.htmlEscaped)</h1>\n<p><code>\(Self.shellQuoted(Self.commandLine).htmlEscaped)</code></p>\n"
        if let table = try table() { body += "<h2>Per epoch</h2>\n" + table }
        for (heading, files) in [("Plots", svgFiles()), ("Samples", gridFiles("samples")),
                                 ("Reconstructions", gridFiles("reconstructions"))] where !files.isEmpty {
            body += "<h2>\(heading)</h2>\n" + files.map(figure).joined()
        }
        if let confusion = try? String(contentsOf: folder.appendingPathComponent("confusion.txt"), encoding: .utf8) {
            body += "<h2>Confusion matrix</h2>\n<pre>\(confusion.htmlEscaped)</pre>\n"
        }
        if exists("misclassified.png") {
            body += "<h2>Misclassified validation images</h2>\n" + figure("misclassified.png")
                + (exists("misclassified.csv") ? "<p>Files, true and predicted classes in reading order: <a href=\"misclassified.csv\">misclassified.csv</a></p>\n" : "")
        }
        let files = checkpointFiles()
        if !files.isEmpty {
            body += "<h2>Files</h2>\n<ul>\n" + files.map { "<li><a href=\"\($0.htmlEscaped)\">\($0.htmlEscaped)</a> (\(size(of: $0)))</li>\n" }.joined() + "</ul>\n"
        }
        if hasEventFiles() {
            body += "<p>TensorBoard: <code>tensorboard --logdir \(folder.path.htmlEscaped)</code></p>\n"
        }
        return HTMLPage.document(title: "\(title) — Ember", body: body)
    }

    /// `metrics.csv` as a table, numbers with at most four decimals.
    private func table() throws -> String? {
        guard let csv = try? String(contentsOf: folder.appendingPathComponent("metrics.csv"), encoding: .utf8) else { return nil }
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { return nil }
        func cell(_ text: String) -> String {
            guard let number = Double(text), text.contains(".") || text.contains("e") else { return text.htmlEscaped }
            return String(format: abs(number) >= 1e-3 || number == 0 ? "%.4g" : "%.3e", number)
        }
        let head = "<tr>" + header.map { "<th>\($0.replacingOccurrences(of: "_", with: " ").htmlEscaped)</th>" }.joined() + "</tr>\n"
        let rows = lines.dropFirst().map { "<tr>" + $0.map { "<td>\(cell($0))</td>" }.joined() + "</tr>\n" }.joined()
        return "<table class=\"numbers\">\n" + head + rows + "</table>\n"
    }

    private func figure(_ file: String) -> String {
        "<figure><img src=\"\(file.htmlEscaped)\" alt=\"\(file.htmlEscaped)\"><figcaption>\(file.htmlEscaped)</figcaption></figure>\n"
    }

    private func names(in sub: String = "") -> [String] {
        let url = sub.isEmpty ? folder : folder.appendingPathComponent(sub)
        return ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }

    private func svgFiles() -> [String] { names().filter { $0.hasSuffix(".svg") } }

    /// The first and the latest epoch's grid of `sub`.
    private func gridFiles(_ sub: String) -> [String] {
        let grids = names(in: sub).filter { $0.hasSuffix(".png") }.map { "\(sub)/\($0)" }
        return grids.count > 1 ? [grids.first!, grids.last!] : grids
    }

    private func checkpointFiles() -> [String] {
        names().filter { name in [".safetensors", ".pth", ".csv", ".txt"].contains { name.hasSuffix($0) } }
    }

    private func hasEventFiles() -> Bool { names().contains { $0.hasPrefix("events.out.tfevents.") } }

    private func exists(_ file: String) -> Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path)
    }

    private func size(of file: String) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(file).path)
        return ByteCountFormatter.string(fromByteCount: Int64(attributes?[.size] as? Int ?? 0), countStyle: .file)
    }

    /// Arguments as a shell would need them typed: the program's name alone, others quoted
    /// when they hold anything but safe characters.
    static func shellQuoted(_ arguments: [String]) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        return arguments.enumerated().map { index, argument in
            if index == 0 { return "ember" }
            return !argument.isEmpty && argument.allSatisfy(safe.contains) ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}

import Foundation
import Testing

/// Checks a run folder's `report.html`: every image and link it references exists in the
/// folder, and its table has one row per epoch, numbered 1...epochs.
func expectWholeReport(in folder: URL, epochs: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let page = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
    let references = try Regex(#"(?:src|href)="([^"]+)""#)
    let targets = page.matches(of: references).map { String($0.output[1].substring!) }
    #expect(targets.contains { $0.hasSuffix(".svg") }, "no plot on the page", sourceLocation: sourceLocation)
    for target in targets {
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(target).path),
                "report.html references \(target), which is not in \(folder.path)", sourceLocation: sourceLocation)
    }
    let rows = page.split(separator: "\n").filter { $0.hasPrefix("<tr><td>") }
    let numbers = rows.map { row in row.dropFirst("<tr><td>".count).prefix { $0 != "<" } }
    #expect(numbers == (1...epochs).map { Substring(String($0)) }, "table rows \(numbers)", sourceLocation: sourceLocation)
}

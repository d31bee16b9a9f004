import Foundation
import Testing

/// `ember tutorial --quick` end to end on tiny generated data: every step runs, and
/// index.html links a whole report for every run, with its headline number.
struct TutorialCommandTests {
    @Test func quickTutorialLinksAWholeReportPerRun() throws {
        let data = try TinyMNIST(train: 320, test: 80)
        defer { data.remove() }
        let out = data.root.appendingPathComponent("tutorial")
        let run = try Ember.run(["tutorial", "--quick", "--data", data.root.path, "--out", out.path])
        try #require(run.status == 0, "\(run.stderr)")
        for part in ["== Part 2", "== Part 3", "== Part 4"] { #expect(run.stdout.contains(part)) }
        let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("Quick mode"))
        let links = index.matches(of: try Regex(#"href="([^"]+)/report.html""#)).map { String($0.output[1].substring!) }
        #expect(links.count == 12, "\(links)")
        for link in links { try expectWholeReport(in: out.appendingPathComponent(link), epochs: 2) }
        #expect(index.components(separatedBy: "best accuracy").count - 1 == 8)
        #expect(index.contains("test MSE") && index.contains("D loss"))

        let again = try Ember.run(["tutorial", "--quick", "--data", data.root.path, "--out", out.path])
        #expect(again.status != 0 && again.stderr.contains("is not empty"))
    }
}

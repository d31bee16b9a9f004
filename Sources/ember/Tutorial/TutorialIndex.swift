import Foundation

/// `index.html` of `ember tutorial`: one row per run with its headline number and a link
/// to its `report.html`, grouped by the tutorial's parts.
struct TutorialIndex {
    let results: [TutorialStep.Result]
    let quick: Bool
    let data: String
    let seconds: Double

    func html() -> String {
        let mode = quick
            ? "Quick mode: 2 epochs per model on the first 6,000 training and 1,000 test images, GAN samples not scored. Run <code>ember tutorial</code> without <code>--quick</code> for the tutorial's full runs."
            : "Full runs on all of the data with the tutorial's epochs."
        var rows = ""
        for result in results {
            for (index, run) in result.runs.enumerated() {
                let lead = index == 0
                    ? "<td rowspan=\"\(result.runs.count)\">\(result.part.htmlEscaped)</td><td rowspan=\"\(result.runs.count)\">\(result.title.htmlEscaped)</td>"
                    : ""
                let time = index == 0 ? "<td rowspan=\"\(result.runs.count)\">\(String(format: "%.0f s", result.seconds))</td>" : ""
                rows += "<tr>\(lead)<td><a href=\"\(run.folder.htmlEscaped)/report.html\">\(run.label.htmlEscaped)</a></td><td>\(run.headline.htmlEscaped)</td>\(time)</tr>\n"
            }
        }
        let body = """
            <h1>The tutorial in Ember</h1>
            <p>\(mode)</p>
            <p>Data: <code>\(data.htmlEscaped)</code>. Total time \(String(format: "%.0f", seconds)) s.</p>
            <table>
            <tr><th>Part</th><th>Case study</th><th>Run</th><th>Headline</th><th>Time</th></tr>
            \(rows)</table>

            """
        return HTMLPage.document(title: "The tutorial in Ember", body: body)
    }
}

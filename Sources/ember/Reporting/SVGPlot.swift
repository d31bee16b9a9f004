import Ember
import Foundation

/// Loss and accuracy curves as a self-contained SVG (any browser shows it): two panels,
/// train and test series per run, epochs on the x axis.
struct SVGPlot {
    struct Series {
        let name: String
        let color: String
        let dashed: Bool
        let points: [(x: Double, y: Double)]
    }

    struct Panel {
        let title: String
        let yLabel: String
        let series: [Series]
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]

    /// The standard training plot: loss on the left, accuracy (%) on the right, one color per
    /// run, solid for train and dashed for the second phase, named `validName`.
    static func training(runs: [(name: String, metrics: [EpochMetrics])], validName: String = "test") -> String {
        func series(_ pick: (PhaseMetrics) -> Double, _ valid: Bool) -> [Series] {
            runs.enumerated().map { i, run in
                Series(name: "\(run.name) \(valid ? validName : "train")", color: palette[i % palette.count], dashed: valid,
                       points: run.metrics.map { (Double($0.epoch), pick(valid ? $0.valid : $0.train)) })
            }
        }
        let loss = Panel(title: "Loss", yLabel: "cross-entropy", series: series(\.loss, false) + series(\.loss, true))
        let accuracy = Panel(title: "Accuracy", yLabel: "%",
                             series: series({ $0.accuracy * 100 }, false) + series({ $0.accuracy * 100 }, true))
        return render([loss, accuracy])
    }

    static func render(_ panels: [Panel], panelWidth: Double = 440, height: Double = 320) -> String {
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(panelWidth) * panels.count)" height="\(Int(height))" \
        font-family="sans-serif" font-size="11">
        <rect width="100%" height="100%" fill="white"/>

        """
        for (i, panel) in panels.enumerated() {
            svg += renderPanel(panel, x0: Double(i) * panelWidth, width: panelWidth, height: height)
        }
        return svg + "</svg>\n"
    }

    private static func renderPanel(_ panel: Panel, x0: Double, width: Double, height: Double) -> String {
        let (left, right, top, bottom) = (x0 + 55, x0 + width - 15, 30.0, height - 80)
        let all = panel.series.flatMap(\.points)
        guard let xMin = all.map(\.x).min(), let xMax = all.map(\.x).max(),
              let yLow = all.map(\.y).min(), let yHigh = all.map(\.y).max() else { return "" }
        let pad = max((yHigh - yLow) * 0.05, 1e-6)
        let (yMin, yMax) = (yLow - pad, yHigh + pad)
        func px(_ x: Double) -> Double { left + (x - xMin) / max(xMax - xMin, 1e-9) * (right - left) }
        func py(_ y: Double) -> Double { bottom - (y - yMin) / (yMax - yMin) * (bottom - top) }
        var out = "<text x=\"\(left)\" y=\"18\" font-size=\"13\" font-weight=\"bold\">\(panel.title)</text>\n"
        out += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(right - left)\" height=\"\(bottom - top)\" fill=\"none\" stroke=\"#888\"/>\n"
        for k in 0...4 {
            let y = yMin + (yMax - yMin) * Double(k) / 4
            out += "<line x1=\"\(left)\" x2=\"\(right)\" y1=\"\(py(y))\" y2=\"\(py(y))\" stroke=\"#eee\"/>"
            out += "<text x=\"\(left - 5)\" y=\"\(py(y) + 4)\" text-anchor=\"end\">\(String(format: "%.3g", y))</text>\n"
        }
        let ticks = Set((0...4).map { Int((xMin + (xMax - xMin) * Double($0) / 4).rounded()) }).sorted()
        for t in ticks {
            out += "<text x=\"\(px(Double(t)))\" y=\"\(bottom + 14)\" text-anchor=\"middle\">\(t)</text>\n"
        }
        out += "<text x=\"\((left + right) / 2)\" y=\"\(bottom + 28)\" text-anchor=\"middle\">epoch</text>\n"
        out += "<text x=\"\(x0 + 12)\" y=\"\((top + bottom) / 2)\" transform=\"rotate(-90 \(x0 + 12) \((top + bottom) / 2))\" text-anchor=\"middle\">\(panel.yLabel)</text>\n"
        for (i, s) in panel.series.enumerated() {
            let path = s.points.map { "\(px($0.x)),\(py($0.y))" }.joined(separator: " ")
            out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.8\"\(s.dashed ? " stroke-dasharray=\"5,3\"" : "")/>\n"
            let ly = bottom + 42 + Double(i / 2) * 13
            let lx = left + Double(i % 2) * (right - left) / 2
            out += "<line x1=\"\(lx)\" x2=\"\(lx + 18)\" y1=\"\(ly - 4)\" y2=\"\(ly - 4)\" stroke=\"\(s.color)\" stroke-width=\"1.8\"\(s.dashed ? " stroke-dasharray=\"5,3\"" : "")/>"
            out += "<text x=\"\(lx + 22)\" y=\"\(ly)\">\(s.name)</text>\n"
        }
        return out
    }
}

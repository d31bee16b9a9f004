import EmberVision

/// The autoencoder's 3-D codes as an SVG scatter plot: three panels, the (1, 2), (1, 3)
/// and (2, 3) projections, one colour per class with a legend.
enum CodesPlot {
    static let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    static func render(codes: Tensor, labels: [Int], classes: [String], panel: Double = 300) -> String {
        let values = codes.contiguous().toArray(), n = labels.count
        func coordinate(_ i: Int, _ axis: Int) -> Double { Double(values[i * 3 + axis]) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(panel * 3 + 120))\" height=\"\(Int(panel + 40))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for (p, (a, b)) in [(0, 1), (0, 2), (1, 2)].enumerated() {
            let x0 = Double(p) * panel + 10
            let xs = (0..<n).map { coordinate($0, a) }, ys = (0..<n).map { coordinate($0, b) }
            let (xMin, xMax, yMin, yMax) = (xs.min() ?? 0, xs.max() ?? 1, ys.min() ?? 0, ys.max() ?? 1)
            svg += "<text x=\"\(x0)\" y=\"14\">code \(a + 1) against code \(b + 1)</text>\n"
            svg += "<rect x=\"\(x0)\" y=\"20\" width=\"\(panel - 20)\" height=\"\(panel - 20)\" fill=\"none\" stroke=\"#888\"/>\n"
            for i in 0..<n {
                let x = x0 + 4 + (xs[i] - xMin) / max(xMax - xMin, 1e-9) * (panel - 28)
                let y = 24 + (1 - (ys[i] - yMin) / max(yMax - yMin, 1e-9)) * (panel - 28)
                svg += "<circle cx=\"\(Int(x))\" cy=\"\(Int(y))\" r=\"1.5\" fill=\"\(colors[labels[i] % colors.count])\"/>\n"
            }
        }
        for (c, name) in classes.enumerated() {
            let y = 30 + c * 16
            svg += "<circle cx=\"\(Int(panel * 3 + 15))\" cy=\"\(y - 4)\" r=\"4\" fill=\"\(colors[c % colors.count])\"/>"
            svg += "<text x=\"\(Int(panel * 3 + 24))\" y=\"\(y)\">\(name)</text>\n"
        }
        return svg + "</svg>\n"
    }
}

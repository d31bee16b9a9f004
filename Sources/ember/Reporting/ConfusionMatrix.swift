/// Counts of (true class, predicted class) pairs, printed as a table with per-class recall.
struct ConfusionMatrix {
    let classes: [String]
    private(set) var counts: [[Int]]

    init(classes: [String]) {
        self.classes = classes
        counts = Array(repeating: Array(repeating: 0, count: classes.count), count: classes.count)
    }

    mutating func add(truth: [Int64], predicted: [Int64]) {
        for (t, p) in zip(truth, predicted) { counts[Int(t)][Int(p)] += 1 }
    }

    var total: Int { counts.joined().reduce(0, +) }
    var correct: Int { classes.indices.map { counts[$0][$0] }.reduce(0, +) }
    var accuracy: Double { total > 0 ? Double(correct) / Double(total) : 0 }

    /// Rows are true classes, columns predictions; the last column is the row's recall.
    var table: String {
        let width = max(6, (counts.joined().map { String($0).count }.max() ?? 1) + 1)
        let nameWidth = min(14, max(5, classes.map(\.count).max() ?? 5))
        func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        var lines = [pad("true\\pred", nameWidth + 1) + classes.indices.map { pad(String($0), width) }.joined() + "  recall"]
        for (i, row) in counts.enumerated() {
            let recall = row.reduce(0, +) > 0 ? Double(row[i]) / Double(row.reduce(0, +)) * 100 : 0
            let name = String(classes[i].prefix(nameWidth))
            lines.append(pad("\(i) \(name)", nameWidth + 1) + row.map { pad(String($0), width) }.joined()
                         + pad(String(format: "%.1f%%", recall), 8))
        }
        return lines.joined(separator: "\n")
    }
}

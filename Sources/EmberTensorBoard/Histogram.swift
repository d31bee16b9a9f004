/// How `SummaryWriter.addHistogram` bins values.
public enum HistogramBins: Sendable, Equatable {
    /// PyTorch's default (`bins="tensorflow"`): edges ±1.1ⁿ × 10⁻¹² up to 10²⁰ and 0.
    case tensorflow
    /// `n` equal-width bins between the smallest and largest value (`bins=n`, NumPy's rule:
    /// a range of ±0.5 around a single value).
    case count(Int)
    /// These increasing edges; values outside them are left out, as NumPy does.
    case edges([Double])
}

/// PyTorch's `make_histogram`: NumPy's bin counts, optionally merged down to `maxBins`,
/// trimmed to the bins that hold values plus one empty bin on the left, since TensorBoard
/// stores only each bin's right edge.
struct Histogram {
    let proto: Tensorboard_HistogramProto

    init(values: [Double], bins: HistogramBins, maxBins: Int?, tag: String) throws {
        func invalid(_ reason: String) -> TensorBoardError { .invalidValue(tag: tag, reason: reason) }
        guard !values.isEmpty else { throw invalid("the histogram's input has no element") }
        guard values.allSatisfy(\.isFinite) else { throw invalid("a histogram's values must be finite") }
        let low = values.min()!, high = values.max()!
        var edges: [Double]
        switch bins {
        case .tensorflow:
            edges = SummaryWriter.tensorflowBins
        case .count(let n):
            guard n > 0 else { throw invalid("bins must be positive, got \(n)") }
            let (first, last) = low == high ? (low - 0.5, high + 0.5) : (low, high)
            let step = (last - first) / Double(n)
            edges = (0..<n).map { Double($0) * step + first } + [last]
        case .edges(let given):
            guard given.count >= 2, zip(given, given.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw invalid("bin edges must be at least two and increasing")
            }
            edges = given
        }
        var counts = Self.counts(values, edges: edges)
        if let maxBins, maxBins > 0, counts.count > maxBins {
            let merge = counts.count / maxBins
            if counts.count % merge != 0 { counts += Array(repeating: 0, count: merge - counts.count % merge) }
            let last = edges.last!
            counts = stride(from: 0, to: counts.count, by: merge).map { counts[$0 ..< $0 + merge].reduce(0, +) }
            edges = stride(from: 0, to: edges.count - 1, by: merge).map { edges[$0] } + [last]
        }
        guard let firstFilled = counts.firstIndex(where: { $0 > 0 }), let lastFilled = counts.lastIndex(where: { $0 > 0 }) else {
            throw invalid("no value falls within the histogram's bins")
        }
        let end = lastFilled + 1
        var proto = Tensorboard_HistogramProto()
        proto.bucket = (firstFilled > 0 ? Array(counts[(firstFilled - 1) ..< end]) : [0] + counts[..<end]).map(Double.init)
        proto.bucketLimit = Array(edges[firstFilled ... end])
        proto.min = low
        proto.max = high
        proto.num = Double(values.count)
        proto.sum = values.reduce(0, +)
        proto.sumSquares = values.reduce(0) { $0 + $1 * $1 }
        self.proto = proto
    }

    /// NumPy's counts: bin i holds values in [edges[i], edges[i + 1]), the last bin also its
    /// right edge; values outside the edges are not counted.
    private static func counts(_ values: [Double], edges: [Double]) -> [Int] {
        var counts = Array(repeating: 0, count: edges.count - 1)
        let first = edges.first!, last = edges.last!
        for value in values where value >= first && value <= last {
            var (lower, upper) = (0, edges.count)
            while lower < upper {
                let middle = (lower + upper) / 2
                if edges[middle] <= value { lower = middle + 1 } else { upper = middle }
            }
            counts[Swift.min(lower - 1, counts.count - 1)] += 1
        }
        return counts
    }
}

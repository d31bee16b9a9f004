import Foundation

/// PyTorch-style printing: `tensor([[2., 3.],\n        [4., 8.]], requires_grad=True)`.
extension Tensor: CustomStringConvertible {
    /// PyTorch's format, `tensor([[2., 3.], [4., 8.]])`, with `grad_fn` or `requires_grad` when set;
    /// tensors of more than 1000 elements are summarised with `...`.
    public var description: String {
        let dense = contiguous().detach()
        let summarize = numel > 1000
        let formatter = ElementFormatter(dense, summarize: summarize)
        var body = "tensor("
        body += ndim == 0 ? formatter.format(0) : formatBlock(dense, formatter, dim: 0, offset: 0, indent: 7, summarize: summarize)
        if let gradFn { body += ", grad_fn=<\(gradFn.name)>" } else if requiresGrad { body += ", requires_grad=True" }
        if numel == 0 { body += ", size=\(shape)" }
        // PyTorch names the dtype when it is not one a literal infers (float32, int64, bool).
        if dtype == .uint8 { body += ", dtype=\(dtype)" }
        return body + ")"
    }

    private func formatBlock(_ dense: Tensor, _ f: ElementFormatter, dim: Int, offset: Int, indent: Int, summarize: Bool) -> String {
        let size = dense.shape[dim]
        let stride = dense.strides[dim]
        let positions: [Int?] = summarize && size > 6 ? [0, 1, 2, nil, size - 3, size - 2, size - 1] : (0..<size).map { $0 }
        if dim == dense.ndim - 1 {
            let items = positions.map { $0.map { f.format(offset + $0 * stride) } ?? "..." }
            return "[" + items.joined(separator: ", ") + "]"
        }
        let separator = "," + String(repeating: "\n", count: dense.ndim - dim - 1) + String(repeating: " ", count: indent + 1)
        let items = positions.map { p in
            p.map { formatBlock(dense, f, dim: dim + 1, offset: offset + $0 * stride, indent: indent + 1, summarize: summarize) } ?? "..."
        }
        return "[" + items.joined(separator: separator) + "]"
    }
}

/// Chooses one number format for a whole tensor, as PyTorch does: integers as `2.`,
/// fixed point with 4 decimals, or scientific notation for wide ranges.
private struct ElementFormatter {
    enum Style { case integral, fixed, scientific, int64, uint8, bool }
    let tensor: Tensor
    let style: Style
    private(set) var width = 0

    init(_ tensor: Tensor, summarize: Bool) {
        self.tensor = tensor
        switch tensor.dtype {
        case .bool:
            style = .bool
        case .int64:
            style = .int64
        case .uint8:
            style = .uint8
        case .float32:
            let values = UnsafeBufferPointer(start: tensor.floatPointer, count: tensor.numel).filter { $0.isFinite }
            let magnitudes = values.map { Swift.abs($0) }.filter { $0 != 0 }
            if values.allSatisfy({ $0 == $0.rounded() }) && (magnitudes.max() ?? 0) < 1e8 {
                style = .integral
            } else if let high = magnitudes.max(), let low = magnitudes.min(),
                      high / low > 1000 || high > 1e8 || low < 1e-4 {
                style = .scientific
            } else {
                style = .fixed
            }
        }
        width = (0..<tensor.numel).map { raw($0).count }.max() ?? 0
    }

    func raw(_ i: Int) -> String {
        switch style {
        case .bool: return tensor.boolPointer[i] != 0 ? "True" : "False"
        case .int64: return String(tensor.int64Pointer[i])
        case .uint8: return String(tensor.uint8Pointer[i])
        case .integral: return special(tensor.floatPointer[i]) ?? String(format: "%.0f.", tensor.floatPointer[i])
        case .fixed: return special(tensor.floatPointer[i]) ?? String(format: "%.4f", tensor.floatPointer[i])
        case .scientific: return special(tensor.floatPointer[i]) ?? String(format: "%.4e", tensor.floatPointer[i])
        }
    }

    private func special(_ v: Float) -> String? {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        return nil
    }

    func format(_ i: Int) -> String {
        let text = raw(i)
        return String(repeating: " ", count: Swift.max(0, width - text.count)) + text
    }
}

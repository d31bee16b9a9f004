/// The largest disagreement `gradcheck` found, to report in a failing test.
public struct GradcheckResult: CustomStringConvertible {
    /// Whether every gradient element agreed within the tolerances.
    public let passed: Bool
    /// Input index, element index, analytic and numeric values of the worst element.
    public let worst: (input: Int, element: Int, analytic: Float, numeric: Float)?

    /// `passed` or `failed`, with the worst element when there is one.
    public var description: String {
        guard let worst else { return passed ? "gradcheck passed" : "gradcheck failed" }
        return "\(passed ? "passed" : "failed"): input \(worst.input) element \(worst.element): analytic \(worst.analytic), numeric \(worst.numeric)"
    }
}

/// Compares the gradients autograd computes for `function` with central finite differences
/// (`torch.autograd.gradcheck`). Ember computes in float32, so the default step and
/// tolerances are those suited to float32.
///
/// The output is reduced to a scalar with fixed random weights, so every output element's
/// gradient is exercised.
public func gradcheck(
    _ function: ([Tensor]) -> Tensor, inputs: [Tensor], eps: Float = 1e-2, atol: Float = 1e-3, rtol: Float = 1e-2
) -> GradcheckResult {
    let leaves = inputs.map { input -> Tensor in
        let leaf = input.detach().contiguous().clone()
        leaf.requiresGrad = input.requiresGrad
        return leaf
    }
    let weights = withNoGrad { Tensor.randnLike(function(leaves)) }
    func objective() -> Float { withNoGrad { (function(leaves) * weights).sum().item() } }
    (function(leaves) * weights).sum().backward()

    var passed = true
    var worst: (input: Int, element: Int, analytic: Float, numeric: Float)?
    var worstExcess: Float = -.infinity
    for (i, leaf) in leaves.enumerated() where leaf.requiresGrad {
        let analytic = leaf.grad?.toArray() ?? [Float](repeating: 0, count: leaf.numel)
        let p = leaf.floatPointer
        for e in 0..<leaf.numel {
            let original = p[e]
            p[e] = original + eps
            let plus = objective()
            p[e] = original - eps
            let minus = objective()
            p[e] = original
            let numeric = (plus - minus) / (2 * eps)
            let excess = Swift.abs(analytic[e] - numeric) - (atol + rtol * Swift.abs(numeric))
            if excess > 0 { passed = false }
            if excess > worstExcess {
                worstExcess = excess
                worst = (i, e, analytic[e], numeric)
            }
        }
    }
    return GradcheckResult(passed: passed, worst: worst)
}

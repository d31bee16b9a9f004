import Foundation
import Testing
@testable import Ember

/// Golden values written by `Tests/Fixtures/generate.py` with PyTorch.
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// `core.safetensors`, loaded once.
    static let core: [String: Tensor] = load("core.safetensors")

    /// `parity.safetensors` (`generate_parity.py`), loaded once.
    static let parity: [String: Tensor] = load("parity.safetensors")

    static func load(_ file: String) -> [String: Tensor] {
        do {
            return try SafeTensors.load(from: folder.appendingPathComponent(file))
        } catch {
            fatalError("cannot load fixture \(file): \(error)")
        }
    }
}

/// One op checked against PyTorch: the same expression on the stored inputs must give the
/// stored outputs and, when differentiable, the stored input gradients.
struct OpCase: Sendable, CustomStringConvertible {
    let name: String
    let differentiable: Bool
    let expression: @Sendable ([Tensor]) -> [Tensor]

    init(_ name: String, grad: Bool = true, _ expression: @escaping @Sendable ([Tensor]) -> [Tensor]) {
        self.name = name
        self.differentiable = grad
        self.expression = expression
    }

    /// A single-output case.
    init(_ name: String, grad: Bool = true, single: @escaping @Sendable ([Tensor]) -> Tensor) {
        self.init(name, grad: grad) { [single($0)] }
    }

    var description: String { name }
}

/// Asserts `actual` matches `expected` in shape and, elementwise, within tolerances.
func expectClose(
    _ actual: Tensor, _ expected: Tensor, rtol: Float = 1e-4, atol: Float = 1e-5, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.shape == expected.shape, "\(what): shape \(actual.shape) vs expected \(expected.shape)", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    let a = actual.toArray(), e = expected.toArray()
    var worst = 0
    var worstExcess: Float = -.infinity
    for i in a.indices where a[i] != e[i] {
        // Infinities must match exactly: inf - inf would make the tolerance NaN.
        let excess = a[i].isInfinite || e[i].isInfinite ? .infinity : abs(a[i] - e[i]) - (atol + rtol * abs(e[i]))
        if excess > worstExcess || (a[i].isNaN != e[i].isNaN) {
            worstExcess = a[i].isNaN != e[i].isNaN ? .infinity : excess
            worst = i
        }
    }
    #expect(
        a.isEmpty || worstExcess <= 0,
        "\(what): element \(worst) is \(a.isEmpty ? 0 : a[worst]), expected \(e.isEmpty ? 0 : e[worst])",
        sourceLocation: sourceLocation)
}

/// Runs `opCase` on its fixture (in `core.safetensors` unless `data` says otherwise) and
/// compares outputs and gradients.
func checkAgainstFixture(_ opCase: OpCase, in data: [String: Tensor] = Fixtures.core, rtol: Float = 1e-4, atol: Float = 1e-5) {
    let name = opCase.name
    var inputs: [Tensor] = []
    while let input = data["\(name).in\(inputs.count)"] {
        let copy = input.clone()
        if opCase.differentiable && copy.dtype == .float32 { copy.requiresGrad = true }
        inputs.append(copy)
    }
    let outputs = opCase.expression(inputs)
    let single = data["\(name).out"] != nil
    #expect(single ? outputs.count == 1 : data["\(name).out\(outputs.count - 1)"] != nil, "\(name): output count")
    var loss: Tensor?
    for (j, output) in outputs.enumerated() {
        let key = single ? "\(name).out" : "\(name).out\(j)"
        guard let expected = data[key] else {
            Issue.record("\(name): no fixture \(key)")
            continue
        }
        expectClose(output, expected, rtol: rtol, atol: atol, key)
        if opCase.differentiable, output.dtype == .float32, let gout = data[single ? "\(name).gout" : "\(name).gout\(j)"] {
            let term = (output * gout).sum()
            loss = loss.map { $0 + term } ?? term
        }
    }
    guard opCase.differentiable else { return }
    guard let loss else {
        Issue.record("\(name): differentiable case without upstream gradients")
        return
    }
    loss.backward()
    for (k, input) in inputs.enumerated() where input.dtype == .float32 {
        guard let expected = data["\(name).grad\(k)"] else { continue }
        let grad = input.grad ?? Tensor.zerosLike(input)
        expectClose(grad, expected, rtol: rtol, atol: atol, "\(name).grad\(k)")
    }
}

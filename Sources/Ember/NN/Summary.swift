import Foundation

/// A table of the model's layers like `torchsummary.summary(model, input_size)`: each leaf
/// module in the order it runs, with its output shape (batch dimension shown as -1) and
/// parameter count, then the parameter totals and memory estimates.
///
/// ```
/// ----------------------------------------------------------------
///         Layer (type)               Output Shape         Param #
/// ================================================================
///             Linear-1                  [-1, 300]         235,500
///        BatchNorm1d-2                  [-1, 300]             600
/// ...
/// ```
///
/// The model runs once in evaluation mode, without gradients, on zeros of shape
/// `[2] + inputShape`; its training flags are restored afterwards, and running statistics
/// are untouched.
public func summary(_ model: Module, inputShape: [Int]) -> String {
    var rows: [(name: String, outputShape: [Int], parameters: Int)] = []
    observeLeaves(of: model, running: Tensor.zeros([2] + inputShape)) { module, _, output in
        let count = module.parameters(recurse: false).reduce(0) { $0 + $1.numel }
        rows.append(("\(module.typeName)-\(rows.count + 1)", [-1] + output.shape.dropFirst(), count))
    }

    let parameters = model.parameters()
    let total = parameters.reduce(0) { $0 + $1.numel }
    let trainable = parameters.filter(\.requiresGrad).reduce(0) { $0 + $1.numel }
    let outputsPerSample = rows.reduce(0) { $0 + $1.outputShape.dropFirst().reduce(1, *) }
    func megabytes(_ floats: Int) -> Double { Double(floats) * 4 / (1024 * 1024) }
    let inputSize = megabytes(inputShape.reduce(1, *))
    let passSize = megabytes(2 * outputsPerSample)
    let parameterSize = megabytes(total)

    func column(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
    func row(_ a: String, _ b: String, _ c: String) -> String {
        column(a, 20) + "  " + column(b, 25) + " " + column(c, 15)
    }
    let rule = String(repeating: "-", count: 64), doubleRule = String(repeating: "=", count: 64)
    var lines = [rule, row("Layer (type)", "Output Shape", "Param #"), doubleRule]
    lines += rows.map { row($0.name, "\($0.outputShape)", thousands($0.parameters)) }
    lines += [
        doubleRule,
        "Total params: \(thousands(total))",
        "Trainable params: \(thousands(trainable))",
        "Non-trainable params: \(thousands(total - trainable))",
        rule,
        String(format: "Input size (MB): %0.2f", inputSize),
        String(format: "Forward/backward pass size (MB): %0.2f", passSize),
        String(format: "Params size (MB): %0.2f", parameterSize),
        String(format: "Estimated Total Size (MB): %0.2f", inputSize + passSize + parameterSize),
        rule,
    ]
    return lines.joined(separator: "\n")
}

/// Runs `model` once on `input` in evaluation mode without gradients, calling `observe`
/// after each leaf module, in the order they run; training flags are restored afterwards.
func observeLeaves(of model: Module, running input: Tensor, _ observe: @escaping Module.ForwardHook) {
    let handles = model.modules().filter { $0.children().isEmpty }.map { $0.registerForwardHook(observe) }
    let modes = model.modules().map { ($0, $0.training) }
    defer {
        handles.forEach { $0.remove() }
        for (module, training) in modes { module.training = training }
    }
    model.eval()
    withNoGrad { _ = model(input) }
}

/// `266610` → `266,610`.
private func thousands(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return (n < 0 ? "-" : "") + out
}

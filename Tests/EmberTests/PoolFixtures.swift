import Testing
@testable import Ember

/// Golden values of `Tests/Fixtures/generate_pool.py` (see its docstring for the keys).
enum PoolFixtures {
    static let tensors: [String: Tensor] = Fixtures.load("pool.safetensors")

    static subscript(key: String) -> Tensor {
        guard let tensor = tensors[key] else { fatalError("pool.safetensors has no tensor \(key)") }
        return tensor
    }
}

/// One op case of pool.safetensors: `run` maps the stored input to the output and, for max
/// pools, the indices.
struct PoolCase: Sendable, CustomStringConvertible {
    let key: String
    let run: @Sendable (Tensor) -> (values: Tensor, indices: Tensor?)

    init(_ key: String, _ run: @escaping @Sendable (Tensor) -> (values: Tensor, indices: Tensor?)) {
        self.key = key
        self.run = run
    }

    init(_ key: String, single: @escaping @Sendable (Tensor) -> Tensor) {
        self.init(key) { (single($0), nil) }
    }

    var description: String { key }

    /// Compares output, indices and the input gradient of `(out * gout).sum()` with PyTorch's.
    func check(rtol: Float = 1e-4, atol: Float = 1e-5) {
        let x = PoolFixtures["\(key).x"].clone()
        x.requiresGrad = true
        let (out, indices) = run(x)
        expectClose(out, PoolFixtures["\(key).out"], rtol: rtol, atol: atol, "\(key).out")
        if let indices {
            let expected = PoolFixtures["\(key).indices"]
            #expect(indices.dtype == .int64 && indices.shape == expected.shape, "\(key).indices shape")
            #expect(indices.toArray(as: Int64.self) == expected.toArray(as: Int64.self), "\(key).indices")
        }
        (out * PoolFixtures["\(key).gout"]).sum().backward()
        expectClose(x.grad ?? Tensor.zerosLike(x), PoolFixtures["\(key).grad"], rtol: rtol, atol: atol, "\(key).grad")
    }
}

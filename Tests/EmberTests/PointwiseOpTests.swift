import Testing
@testable import Ember

/// Elementwise ops, forward and backward, against PyTorch (see Tests/Fixtures/generate.py).
struct PointwiseOpTests {
    static let unary: [OpCase] = [
        OpCase("neg") { x in -x[0] },
        OpCase("abs") { x in x[0].abs() },
        OpCase("exp") { x in x[0].exp() },
        OpCase("log") { x in x[0].log() },
        OpCase("sqrt") { x in x[0].sqrt() },
        OpCase("rsqrt") { x in x[0].rsqrt() },
        OpCase("sin") { x in x[0].sin() },
        OpCase("cos") { x in x[0].cos() },
        OpCase("sign") { x in x[0].sign() },
        OpCase("relu") { x in x[0].relu() },
        OpCase("leaky_relu") { x in x[0].leakyRelu(negativeSlope: 0.1) },
        OpCase("sigmoid") { x in x[0].sigmoid() },
        OpCase("tanh") { x in x[0].tanh() },
        OpCase("softplus") { x in x[0].softplus() },
        OpCase("softplus_b2_t1") { x in x[0].softplus(beta: 2, threshold: 1) },
        OpCase("gelu") { x in x[0].gelu() },
        OpCase("gelu_tanh") { x in x[0].gelu(approximate: .tanh) },
        OpCase("clamp") { x in x[0].clamp(min: -0.5, max: 0.5) },
        OpCase("clamp_min0") { x in x[0].clamp(min: 0) },
        OpCase("square") { x in x[0].pow(2) },
        OpCase("pow3") { x in x[0].pow(3) },
        OpCase("pow_half") { x in x[0].pow(0.5) },
        OpCase("reciprocal") { x in x[0].reciprocal() },
        OpCase("relu_t") { x in x[0].t().relu() },
        OpCase("exp_t") { x in x[0].t().exp() },
        OpCase("sigmoid_slice") { x in x[0][stride(from: 0, to: 6, by: 2)].sigmoid() },
    ]

    @Test(arguments: unary)
    func unaryMatchesPyTorch(_ opCase: OpCase) {
        checkAgainstFixture(opCase)
    }

    static let binaryOps: [(String, @Sendable (Tensor, Tensor) -> Tensor)] = [
        ("add", { $0 + $1 }), ("sub", { $0 - $1 }), ("mul", { $0 * $1 }), ("div", { $0 / $1 }),
        ("pow", { $0.pow($1) }), ("maximum", { $0.maximum($1) }), ("minimum", { $0.minimum($1) }),
    ]

    static let binary: [OpCase] = binaryOps.flatMap { name, f in
        [
            OpCase("\(name)_same") { x in f(x[0], x[1]) },
            OpCase("\(name)_bcast") { x in f(x[0], x[1]) },
            OpCase("\(name)_scalar") { x in f(x[0], x[1]) },
            OpCase("\(name)_t") { x in f(x[0].t(), x[1]) },
        ]
    } + [
        OpCase("add_s") { x in x[0] + 2 },
        OpCase("rsub_s") { x in 2 - x[0] },
        OpCase("mul_s") { x in x[0] * 3 },
        OpCase("div_s") { x in x[0] / 4 },
        OpCase("rdiv_s") { x in 2 / x[0] },
        OpCase("pow_s") { x in x[0].pow(2) },
    ]

    @Test(arguments: binary)
    func binaryMatchesPyTorch(_ opCase: OpCase) {
        checkAgainstFixture(opCase)
    }

    static let comparisons: [OpCase] = [
        OpCase("eq", grad: false) { x in x[0] .== x[1] },
        OpCase("ne", grad: false) { x in x[0] .!= x[1] },
        OpCase("lt", grad: false) { x in x[0] .< x[1] },
        OpCase("le", grad: false) { x in x[0] .<= x[1] },
        OpCase("gt", grad: false) { x in x[0] .> x[1] },
        OpCase("ge", grad: false) { x in x[0] .>= x[1] },
    ]

    @Test(arguments: comparisons)
    func comparisonMatchesPyTorch(_ opCase: OpCase) {
        checkAgainstFixture(opCase)
    }

    @Test func scalarLiteralsAndFloatVariablesMix() {
        let x = Tensor([1, 2, 3])
        let half: Float = 0.5
        #expect((x * half + 1).toArray() == [1.5, 2, 2.5])
        #expect((1 - x).toArray() == [0, -1, -2])
        #expect((x / 2).toArray() == [0.5, 1, 1.5])
    }

    @Test func integerArithmeticStaysInt64() {
        let labels = Tensor([1, 2, 3], dtype: .int64)
        let sum = labels + labels
        #expect(sum.dtype == .int64)
        #expect(sum.toArray(as: Int64.self) == [2, 4, 6])
        #expect((labels / labels).dtype == .float32)
    }
}

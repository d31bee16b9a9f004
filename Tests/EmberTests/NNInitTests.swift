import Testing
@testable import Ember

/// `Init` schemes and the layers' default initialisation, checked by their statistics.
struct NNInitTests {
    private func stats(_ t: Tensor) -> (min: Float, max: Float, mean: Float, std: Float) {
        let v = t.toArray()
        let mean = v.reduce(0, +) / Float(v.count)
        let variance = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(v.count)
        return (v.min()!, v.max()!, mean, variance.squareRoot())
    }

    @Test func linearDefaultsAreKaimingUniformLikePyTorch() {
        let layer = Linear(784, 300)
        let bound = 1 / Float(784).squareRoot()
        let w = stats(layer.weight)
        #expect(w.min >= -bound && w.max <= bound)
        #expect(w.min < -0.99 * bound && w.max > 0.99 * bound)
        #expect(abs(w.mean) < 0.01 * bound)
        #expect(abs(w.std - bound / Float(3).squareRoot()) < 0.01 * bound)
        let b = stats(layer.bias!)
        #expect(b.min >= -bound && b.max <= bound && b.max - b.min > bound)
        #expect(layer.weight.requiresGrad && layer.bias!.requiresGrad)
    }

    @Test func initIsReproducibleWithManualSeed() async {
        // In a child process: tests running in parallel would draw from the same generator.
        await #expect(processExitsWith: .success) {
            manualSeed(42)
            let first = Linear(5, 4).weight.toArray()
            manualSeed(42)
            precondition(Linear(5, 4).weight.toArray() == first)
        }
    }

    @Test func kaimingAndXavierScales() {
        let w = Tensor.empty([256, 512], dtype: .float32)
        let fanIn: Float = 512, fanOut: Float = 256
        Init.kaimingNormal(w, mode: .fanIn, nonlinearity: .relu)
        #expect(abs(stats(w).std - (2 / fanIn).squareRoot()) < 0.02 * (2 / fanIn).squareRoot())
        Init.kaimingNormal(w, mode: .fanOut, nonlinearity: .relu)
        #expect(abs(stats(w).std - (2 / fanOut).squareRoot()) < 0.02 * (2 / fanOut).squareRoot())
        Init.kaimingUniform(w, nonlinearity: .relu)
        let kaimingBound = (6 / fanIn).squareRoot()
        #expect(stats(w).max <= kaimingBound && stats(w).max > 0.99 * kaimingBound)

        let xavierBound = Float(2) * (6 / (fanIn + fanOut)).squareRoot()
        Init.xavierUniform(w, gain: 2)
        #expect(stats(w).max <= xavierBound && stats(w).min >= -xavierBound && stats(w).max > 0.99 * xavierBound)
        Init.xavierNormal(w)
        let xavierStd = (2 / (fanIn + fanOut)).squareRoot()
        #expect(abs(stats(w).std - xavierStd) < 0.02 * xavierStd)
    }

    @Test func truncNormalStaysWithinItsAbsoluteBoundsWithTheTruncatedSpread() {
        let w = Tensor.empty([100_000], dtype: .float32)
        Init.truncNormal(w, mean: 0.5, std: 1, a: -0.5, b: 1.5)   // ±1 std around the mean
        let s = stats(w)
        #expect(s.min >= -0.5 && s.max <= 1.5 && s.min < -0.49 && s.max > 1.49)
        #expect(abs(s.mean - 0.5) < 0.01)
        // The standard normal truncated to [-1, 1] has variance 1 - 2φ(1) / (2Φ(1) - 1).
        #expect(abs(s.std - 0.53956) < 0.005)
        Init.truncNormal(w, std: 0.01)   // bounds ±2 are 200 std away: a plain normal
        #expect(abs(stats(w).std - 0.01) < 0.0002)
    }

    @Test func fansCountTheReceptiveField() {
        #expect(Init.fans(Tensor.empty([16, 8, 3, 3])) == (fanIn: 72, fanOut: 144))
        #expect(Init.fans(Tensor.empty([10, 784])) == (fanIn: 784, fanOut: 10))
    }

    @Test func gainsMatchPyTorch() {
        #expect(Init.calculateGain(.linear) == 1 && Init.calculateGain(.conv2d) == 1 && Init.calculateGain(.sigmoid) == 1)
        #expect(Init.calculateGain(.tanh) == Float(5) / 3)
        #expect(Init.calculateGain(.relu) == Float(2).squareRoot())
        #expect(abs(Init.calculateGain(.leakyRelu) - (2 / 1.0001 as Float).squareRoot()) < 1e-6)
        #expect(abs(Init.calculateGain(.leakyRelu, param: Float(5).squareRoot()) - (1 / Float(3)).squareRoot()) < 1e-6)
        #expect(Init.calculateGain(.selu) == 0.75)
    }

    @Test func fillsWorkOnParametersInPlace() {
        let layer = Linear(3, 2)
        let weight = layer.weight
        Init.ones(layer.weight)
        #expect(weight.toArray() == [1, 1, 1, 1, 1, 1])
        Init.zeros(layer.bias!)
        Init.constant(layer.weight, 0.25)
        #expect(layer.bias!.toArray() == [0, 0] && weight.toArray().allSatisfy { $0 == 0.25 })
        Init.uniform(layer.weight, low: 2, high: 3)
        #expect(weight.toArray().allSatisfy { $0 >= 2 && $0 < 3 })
        Init.normal(layer.weight, mean: 10, std: 0.01)
        #expect(weight.toArray().allSatisfy { abs($0 - 10) < 0.1 })
        #expect(weight.isSameTensor(layer.weight) && weight.requiresGrad && weight.isLeaf)
    }
}

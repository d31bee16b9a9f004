import Testing
@testable import Ember

/// `pad` in its four modes against `F.pad`, forward and backward.
struct ConvPaddingTests {
    static let cases: [(String, (Int, Int, Int, Int), PadMode, Float)] = [
        ("constant", (1, 2, 2, 1), .constant, 1.5),
        ("crop", (-1, 2, 0, -1), .constant, 0),
        ("reflect", (1, 2, 3, 1), .reflect, 0),
        ("replicate", (3, 2, 0, 4), .replicate, 0),
        ("circular", (2, 5, 4, 1), .circular, 0),
    ]

    @Test(arguments: 0..<cases.count) func matchesPyTorch(_ index: Int) {
        let (name, padding, mode, value) = Self.cases[index]
        let p = "pad.\(name)"
        let x = ConvFixtures["\(p).x"].clone()
        x.requiresGrad = true
        let out = pad(x, padding, mode: mode, value: value)
        expectClose(out, ConvFixtures["\(p).out"], "\(p).out")
        (out * ConvFixtures["\(p).gout"]).sum().backward()
        expectClose(x.grad ?? Tensor.zerosLike(x), ConvFixtures["\(p).grad_x"], "\(p).grad_x")
    }
}

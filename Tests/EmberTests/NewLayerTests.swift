import Testing
@testable import Ember

/// `Embedding`, `ReLU6` and `Hardtanh` as modules: names, reprs, initialisation and the
/// gradient rules that the fixtures pin (`generate_parity.py`).
struct NewLayerTests {
    @Test func embeddingStartsAsPyTorchsAndKeepsThePaddingRowAtZero() {
        manualSeed(0)
        let table = Embedding(10, 3, paddingIdx: -1)
        #expect(table.paddingIdx == 9)
        #expect(table.stateDictKeys() == ["weight"])
        #expect(table.weight.shape == [10, 3])
        #expect(table.weight[9].toArray() == [0, 0, 0])
        #expect(table.description == "Embedding(10, 3, padding_idx=9)")
        #expect(Embedding(5, 2, maxNorm: 1).description == "Embedding(5, 2, max_norm=1.0)")
        // N(0, 1): over 3,000 draws the spread is near one.
        let wide = Embedding(1000, 3)
        #expect(abs(wide.weight.std().item() - 1) < 0.1)

        let indices = Tensor([[9, 1], [1, 1]], dtype: .int64)
        let out = table(indices)
        #expect(out.shape == [2, 2, 3])
        out.sum().backward()
        let grad = table.weight.grad!
        #expect(grad[1].toArray() == [3, 3, 3])
        #expect(grad[9].toArray() == [0, 0, 0])
        #expect(grad[0].toArray() == [0, 0, 0])
    }

    @Test func maxNormRenormalisesTheRowsItLooksUp() {
        let table = Embedding(3, 2, maxNorm: 1)
        withNoGrad { table.weight.copy(from: Tensor([[3, 4], [0.3, 0.4], [6, 8]])) }
        let out = withNoGrad { table(Tensor([0, 1], dtype: .int64)) }
        expectClose(out, Tensor([[0.6, 0.8], [0.3, 0.4]]), "renormalised rows")
        expectClose(table.weight[2], Tensor([6, 8]), "a row not looked up stays")
        expectClose(table.weight[0], Tensor([0.6, 0.8]), "the table itself is changed, as in PyTorch")
    }

    @Test func clippingActivationsPrintAsPyTorch() {
        #expect(ReLU6().description == "ReLU6()")
        #expect(Hardtanh().description == "Hardtanh(min_val=-1.0, max_val=1.0)")
        #expect(Hardtanh(minVal: 0, maxVal: 6)(Tensor([-1, 3, 7])).toArray() == ReLU6()(Tensor([-1, 3, 7])).toArray())
        let x = Tensor([Float.nan, 0.5], requiresGrad: true)
        x.hardtanh().sum().backward()
        // PyTorch's hardtanh passes NaN's gradient (clamp's does not).
        #expect(x.grad!.toArray() == [1, 1])
    }
}

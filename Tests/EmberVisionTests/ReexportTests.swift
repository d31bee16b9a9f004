import Testing
import EmberVision

struct ReexportTests {
    @Test func importingEmberVisionBringsEmber() {
        #expect(Tensor.ones([2, 2]).sum().item() == 4)
    }
}

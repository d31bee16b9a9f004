import Testing
@testable import Ember

/// `summary(_:inputShape:)`, the torchsummary-style table.
struct NNSummaryTests {
    @Test func tutorialMLPTable() {
        let model = tutorialMLP()
        let text = summary(model, inputShape: [784])
        let expectedRows = [
            ("Linear-1", "[-1, 300]", "235,500"), ("BatchNorm1d-2", "[-1, 300]", "600"), ("ReLU-3", "[-1, 300]", "0"),
            ("Linear-4", "[-1, 100]", "30,100"), ("BatchNorm1d-5", "[-1, 100]", "200"), ("ReLU-6", "[-1, 100]", "0"),
            ("Linear-7", "[-1, 10]", "1,010"),
        ]
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[1] == "        Layer (type)               Output Shape         Param #")
        for (i, row) in expectedRows.enumerated() {
            let fields = lines[3 + i].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            #expect(fields.first == row.0 && fields.last == row.2, "row \(i): \(lines[3 + i])")
            #expect(lines[3 + i].contains(row.1), "row \(i) shape: \(lines[3 + i])")
        }
        #expect(text.contains("Total params: 267,410"))
        #expect(text.contains("Trainable params: 267,410"))
        #expect(text.contains("Non-trainable params: 0"))
        #expect(text.contains("Params size (MB): 1.02"))
    }

    @Test func linearOnlyMLPAndFrozenLayers() {
        let model = tutorialMLP(batchNorm: false)
        #expect(summary(model, inputShape: [784]).contains("Total params: 266,610"))
        model[0].requiresGrad(false)
        let text = summary(model, inputShape: [784])
        #expect(text.contains("Trainable params: 31,110"))
        #expect(text.contains("Non-trainable params: 235,500"))
    }

    @Test func summaryLeavesTheModelAsItWas() {
        let model = tutorialMLP()
        let bn = model[1] as! BatchNorm1d
        model[4].eval()
        _ = summary(model, inputShape: [784])
        #expect(model.training && bn.training && !model[4].training)
        #expect(bn.numBatchesTracked?.item(as: Int64.self) == 0 && bn.runningVar!.toArray().allSatisfy { $0 == 1 })
        #expect(model.modules().allSatisfy { $0.forwardHooks.isEmpty })
    }
}

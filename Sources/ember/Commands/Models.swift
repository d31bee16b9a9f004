import ArgumentParser
import EmberVision
import Foundation

/// `ember models`: every architecture of the zoo with its size, cost and checkpoints.
struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the model zoo: parameters, GFLOPs at 224×224 and torchvision's pretrained weights.")

    func run() throws {
        print(row("model", "params", "GFLOPs", "weights (top-1 %)"))
        for entry in ModelZoo.all {
            // Counting needs only shapes, so the weights are not drawn.
            let model = skipInit { entry.build(1000) }
            let parameters = model.parameters().reduce(0) { $0 + $1.numel }
            let gflops = Double(multiplyAdds(model, inputShape: [3, 224, 224])) / 1e9
            let weights = entry.weights.map { w in
                w.acc1.isNaN ? w.name : "\(w.name) (\(String(format: "%.1f", w.acc1)))"
            }.joined(separator: ", ")
            print(row(entry.name, String(format: "%.1fM", Double(parameters) / 1e6), String(format: "%.2f", gflops), weights))
        }
        print("\nGFLOPs are multiply-adds of the convolutions and linear layers for one 224×224 image, as torchvision counts them.")
        print("Weights: `ember predict --model NAME --weights imagenet1k-v1 IMAGE` (PyTorch's cache: \(WeightsCache.pytorch.directory.path)).")
    }

    private func row(_ name: String, _ parameters: String, _ gflops: String, _ weights: String) -> String {
        name.padding(toLength: 20, withPad: " ", startingAt: 0)
            + String(repeating: " ", count: max(0, 8 - parameters.count)) + parameters
            + String(repeating: " ", count: max(0, 9 - gflops.count)) + gflops + "  " + weights
    }
}

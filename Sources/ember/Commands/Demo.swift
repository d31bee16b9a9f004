import ArgumentParser
import Foundation
import Ember

/// A short tour of tensors and autograd: the main job until the training commands land.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a linear model by gradient descent with autograd and print the steps.")

    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Gradient-descent steps.") var steps: Int = 200

    func run() throws {
        manualSeed(seed)
        let a = Tensor([[2, 3], [4, 8], [7, 9]])
        a[0, 1] = 100
        print("a =", a)

        // Data from a known linear map plus noise; recover it by gradient descent.
        let trueWeight = Tensor.randn([784, 10])
        let x = Tensor.randn([1024, 784])
        let y = x.matmul(trueWeight) + Tensor.randn([1024, 10]) * 0.1
        let w = Tensor.zeros([784, 10], requiresGrad: true)
        let lr: Float = 0.3
        for step in 0...steps {
            let loss = (x.matmul(w) - y).pow(2).mean()
            loss.backward()
            withNoGrad { w.add(w.grad!, alpha: -lr) }
            w.grad = nil
            if step % 25 == 0 {
                print("step \(step)  loss \(String(format: "%.5f", loss.item()))  grad_fn \(loss.gradFn!.name)")
            }
        }
        let error = (w.detach() - trueWeight).abs().max().item()
        print("largest weight error after \(steps) steps: \(error)")
    }
}

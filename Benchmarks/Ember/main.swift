import EmberVision
import Foundation

// Ember's side of the benchmark pairs in Benchmarks/pytorch/bench.py. Protocol: one line
// per workload, `NAME<TAB>MEDIAN_SECONDS_PER_ITERATION`; logs go to stderr.

struct Workload {
    let name: String
    /// Iterations per timed repetition, so each repetition takes a measurable while.
    let iterations: Int
    /// Builds the inputs once and returns the step to time.
    let prepare: () -> () -> Void
}

func sgemm(_ m: Int, _ k: Int, _ n: Int, iterations: Int) -> Workload {
    Workload(name: m == k && k == n ? "sgemm_\(m)" : "sgemm_\(m)x\(k)x\(n)", iterations: iterations) {
        let a = Tensor.randn([m, k]), b = Tensor.randn([k, n])
        return { _ = a.matmul(b) }
    }
}

/// One SGD step (lr 0.01) of a tutorial MLP on a batch of 64, as in the training loop.
func mlpTrain(_ kind: TutorialMLP) -> Workload {
    Workload(name: "mlp_\(kind.rawValue)_train", iterations: 300) {
        let model = kind.make().train()
        let optimizer = SGD(model.parameters(), lr: 0.01)
        let lossFunction = CrossEntropyLoss()
        let x = Tensor.randn([64, 784]), y = Tensor.randint(0, 10, [64])
        return {
            let loss = lossFunction(model(x), y)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
        }
    }
}

/// A tutorial MLP's forward pass on a batch of 64 in eval mode, without autograd.
func mlpEval(_ kind: TutorialMLP) -> Workload {
    Workload(name: "mlp_\(kind.rawValue)_eval", iterations: 1000) {
        let model = kind.make().eval()
        let x = Tensor.randn([64, 784])
        return { withNoGrad { _ = model(x) } }
    }
}

let sixteenM = 16_777_216
let workloads: [Workload] = [
    sgemm(64, 784, 300, iterations: 200),
    sgemm(256, 256, 256, iterations: 200),
    sgemm(1024, 1024, 1024, iterations: 3),
] + TutorialMLP.allCases.map(mlpTrain) + TutorialMLP.allCases.map(mlpEval) + [
    Workload(name: "add_16M", iterations: 5) {
        let a = Tensor.randn([sixteenM]), b = Tensor.randn([sixteenM])
        return { _ = a + b }
    },
    Workload(name: "relu_16M", iterations: 5) {
        let a = Tensor.randn([sixteenM])
        return { _ = a.relu() }
    },
    Workload(name: "sum_16M", iterations: 10) {
        let a = Tensor.randn([sixteenM])
        return { _ = a.sum() }
    },
]

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

var arguments = Array(CommandLine.arguments.dropFirst())
var threads = ProcessInfo.processInfo.activeProcessorCount
var repeats = 7
var selected: [String] = []
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--threads": threads = Int(arguments.removeFirst()) ?? threads
    case "--repeat": repeats = Int(arguments.removeFirst()) ?? repeats
    default: selected.append(argument)
    }
}
setNumThreads(threads)
manualSeed(0)

for workload in workloads where selected.isEmpty || selected.contains(workload.name) {
    let step = workload.prepare()
    for _ in 0..<max(1, workload.iterations / 2) { step() }  // warm-up: caches, buffer pool
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<workload.iterations { step() }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        times.append(elapsed / Double(workload.iterations))
    }
    // One write per line, so the runner sees each result as soon as it is measured.
    FileHandle.standardOutput.write(Data("\(workload.name)\t\(median(times))\n".utf8))
}

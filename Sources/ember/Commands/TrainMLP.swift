import ArgumentParser
import EmberVision
import Foundation

/// `ember train mlp`: the tutorial's part 2, three MLPs on MNIST-format data.
struct TrainMLP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlp",
        abstract: "Train the tutorial's MLPs (784-300-100-10) with SGD and compare them.",
        discussion: """
            --model all trains simpleNet, Activation_Net and Batch_Net one after another, each \
            in its own folder under --out, and ends with the tutorial's comparison table.
            """)

    enum ModelChoice: String, ExpressibleByArgument, CaseIterable {
        case simple, activation, batchnorm, all
    }

    @Option(help: "Which net: \(ModelChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ModelChoice = .all
    @OptionGroup var options: TrainingOptions
    @OptionGroup var distribution: DistributedOption

    func validate() throws {
        if options.resume != nil && model == .all {
            throw ValidationError("--resume continues one run; name its net with --model simple|activation|batchnorm")
        }
    }

    func run() throws {
        if let threads = options.threads { setNumThreads(threads) }
        let distributed = try DistributedTraining.start(distribution, options)
        let data = try MNISTData(root: options.data)
        let kinds = model == .all ? TutorialMLP.allCases : [TutorialMLP(rawValue: model.rawValue)!]
        print("data: \(data.root) (\(data.train.count) train, \(data.test.count) test images)")
        var results: [(kind: TutorialMLP, run: RunResult)] = []
        for kind in kinds {
            let folder = URL(fileURLWithPath: options.out).appendingPathComponent("mlp-\(kind.rawValue)")
            let session = try data.session(
                Architecture(mlp: kind), folder: folder, options: options,
                makeOptimizer: { SGD($0, lr: options.learningRate) }, optimizerDescription: "SGD lr \(options.learningRate)",
                distributed: distributed)
            results.append((kind, try session.run()))
        }
        if results.count > 1 && distributed?.isPrimary ?? true {
            let table = ComparisonTable.render(results.map { ($0.kind.title, $0.run) })
            print("\n" + table)
            let folder = URL(fileURLWithPath: options.out)
            try AtomicFile.write(Data(table.utf8), to: folder.appendingPathComponent("mlp-comparison.txt"))
            let plot = SVGPlot.training(runs: results.map { ($0.kind.title, $0.run.history) })
            try AtomicFile.write(Data(plot.utf8), to: folder.appendingPathComponent("mlp-comparison.svg"))
        }
        try distributed?.finish()
    }
}

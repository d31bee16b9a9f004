import ArgumentParser
import EmberVision
import Foundation

/// `ember tutorial`: the tutorial's case studies in order on the embedded data — part 2's
/// three MLPs, part 3's CNN, the image case study (export, a SimpleCNN from scratch,
/// transfer learning from a net pretrained on the other classes), part 4's autoencoder, GAN
/// and DCGAN — each with its usual output and run folder, then `index.html`, which links
/// every run's report and puts the headline numbers side by side.
struct Tutorial: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the whole tutorial on the embedded data and write index.html with every run's report.",
        discussion: """
            --quick trains each model for 2 epochs on the first 6,000 training and 1,000 test \
            images (a few minutes on two cores) and does not score the GANs' samples; the page \
            says so. Without it every step uses all of the data and the tutorial's epochs.
            """)

    @Flag(help: "Fewer epochs on a subset of the data: a few minutes.") var quick = false
    @Option(help: "Folder of MNIST-format IDX files (default: Fashion-MNIST from /usr/share/datasets/fashion-mnist).")
    var data: String?
    @Option(help: "Folder for every run and index.html; it must not exist yet, or be empty.") var out = "tutorial"
    @Option(help: "Threads for kernels (default: all cores).") var threads: Int?

    func run() throws {
        let root = URL(fileURLWithPath: out)
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        guard existing.isEmpty else { throw CommandError("\(root.path) is not empty; give --out a new folder") }
        let start = Date()
        var source = data ?? FashionMNIST.debianRoot
        if quick {
            let subset = root.appendingPathComponent("data/fashion-mnist-quick")
            try MNISTSubset.write(from: source, to: subset, train: 6000, test: 1000)
            source = subset.path
        }
        var results: [TutorialStep.Result] = []
        for step in TutorialStep.all(quick: quick) {
            print("\n== \(step.part): \(step.title)")
            let stepStart = Date()
            for arguments in step.commands(data: source, out: root, threads: threads) {
                var command = try EmberCommand.parseAsRoot(arguments)
                try RunReport.$commandLine.withValue(["ember"] + arguments) { try command.run() }
            }
            results.append(step.result(in: root, seconds: Date().timeIntervalSince(stepStart)))
        }
        let page = TutorialIndex(results: results, quick: quick, data: source, seconds: Date().timeIntervalSince(start)).html()
        try AtomicFile.write(Data(page.utf8), to: root.appendingPathComponent("index.html"))
        print(String(format: "\nthe tutorial took %.0f s; open %@", Date().timeIntervalSince(start), root.appendingPathComponent("index.html").path))
    }
}

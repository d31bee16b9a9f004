import ArgumentParser
import Ember
import Foundation

/// `ember split`: divides a folder of labelled images into DIR/training/<class>/ and
/// DIR/validation/<class>/, the tutorial's `os.rename` step for Kaggle's Dogs vs Cats.
struct Split: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Split a folder of labelled images into DIR/training/<class>/ and DIR/validation/<class>/.",
        discussion: """
            DIR holds either image files named <class>.<anything>.<ext> (Dogs vs Cats' train/, \
            `ember export --layout flat`) or one sub-folder of images per class. Each class is \
            shuffled on its own, with files sorted by name first, from a generator seeded with \
            --seed, so the same folder and seed always give the same split. Files are hard-linked \
            where possible (copied otherwise); --move renames them instead. Existing \
            DIR/training or DIR/validation folders are never touched: split refuses to run.
            """)

    @Argument(help: "The folder to split.") var dir: String
    @Option(help: ArgumentHelp("Images of each class to put into validation.", valueName: "N")) var valid: Int?
    @Option(help: ArgumentHelp("Fraction of each class to put into validation (0 < F < 1), rounded to nearest.", valueName: "F"))
    var validFraction: Double?
    @Option(help: ArgumentHelp("Seed of the shuffle.", valueName: "S")) var seed: UInt64 = 0
    @Flag(help: "Move the files instead of linking or copying them.") var move = false

    func validate() throws {
        switch (valid, validFraction) {
        case (nil, nil): throw ValidationError("give the validation size: --valid N or --valid-fraction F")
        case (.some, .some): throw ValidationError("give only one of --valid and --valid-fraction")
        case (let n?, nil) where n < 0: throw ValidationError("--valid must be 0 or more, got \(n)")
        case (nil, let f?) where !(f > 0 && f < 1):
            throw ValidationError("--valid-fraction must be between 0 and 1 (exclusive), got \(f)")
        default: break
        }
    }

    func run() throws {
        let root = URL(fileURLWithPath: dir)
        let source = try LabelledImages(root: root)
        var plan: [SplitPlan.Class] = []
        manualSeed(seed)
        for (label, files) in source.classes {
            let count = valid ?? Int((Double(files.count) * validFraction!).rounded())
            guard count <= files.count else {
                throw CommandError("--valid \(count) is more than the \(files.count) images of class \(label) in \(root.path)")
            }
            let order = Tensor.randperm(files.count).toArray(as: Int64.self).map { Int($0) }
            let chosen = Set(order.prefix(count))
            plan.append(SplitPlan.Class(
                label: label,
                training: files.indices.filter { !chosen.contains($0) }.map { files[$0] },
                validation: files.indices.filter { chosen.contains($0) }.map { files[$0] }))
        }
        let outcome = try SplitPlan(root: root, classes: plan).carry(out: move ? .move : .link)
        if move, source.layout == .folders {
            for (label, _) in source.classes {
                let folder = root.appendingPathComponent(label)
                if (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.isEmpty == true {
                    try? FileManager.default.removeItem(at: folder)
                }
            }
        }
        let total = plan.reduce(0) { $0 + $1.training.count + $1.validation.count }
        print("split \(total) images of \(plan.count) classes in \(root.path) (\(outcome))")
        print("training: " + plan.map { "\($0.label) \($0.training.count)" }.joined(separator: ", "))
        print("validation: " + plan.map { "\($0.label) \($0.validation.count)" }.joined(separator: ", "))
    }
}

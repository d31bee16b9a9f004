import EmberVision
import Foundation

/// What a model gets wrong on the validation images, printed and, given a folder, written
/// there: the confusion matrix (`confusion.txt`) and a grid of up to 64 misclassified
/// images (`misclassified.png`), with each cell's file, true and predicted class in
/// `misclassified.csv`, in the grid's reading order.
struct ValidationReport {
    let model: Module
    let valid: ImageFolder
    let normalization: ImageData.Normalization
    let batchSize: Int
    static let gridLimit = 64

    func run(writingTo folder: URL?) throws {
        var confusion = ConfusionMatrix(classes: valid.classes)
        var wrong: [(index: Int, predicted: Int)] = []
        model.eval()
        let loader = DataLoader(valid, batchSize: batchSize)
        var offset = 0
        try withNoGrad {
            try loader.forEachBatch { images, labels in
                let truth = labels.toArray(as: Int64.self)
                let predicted = model(images).argmax(dim: 1).toArray(as: Int64.self)
                confusion.add(truth: truth, predicted: predicted)
                for (i, (t, p)) in zip(truth, predicted).enumerated() where t != p { wrong.append((offset + i, Int(p))) }
                offset += truth.count
            }
        }
        let table = String(format: "validation accuracy %.2f%% (%d of %d)\n\n", confusion.accuracy * 100, confusion.correct, confusion.total)
            + confusion.table
        print("\n\(valid.root.path):\n" + table)
        let shown = wrong.prefix(Self.gridLimit)
        guard let folder else { return }
        try AtomicFile.write(Data(table.utf8), to: folder.appendingPathComponent("confusion.txt"))
        guard !shown.isEmpty else { return }
        let (mean, std) = (normalization.mean, normalization.std)
        let images = Tensor.stack(try shown.map { try valid.sample(at: $0.index).0 })
        let restored = images * Tensor(shape: [3, 1, 1], scalars: std) + Tensor(shape: [3, 1, 1], scalars: mean)
        try saveImage(restored.clamp(min: 0, max: 1), to: folder.appendingPathComponent("misclassified.png"))
        let rows = shown.enumerated().map { cell, entry in
            let (path, label) = valid.samples[entry.index]
            return "\(cell),\(path),\(valid.classes[label]),\(valid.classes[entry.predicted])"
        }
        let csv = (["cell,file,true,predicted"] + rows).joined(separator: "\n") + "\n"
        try AtomicFile.write(Data(csv.utf8), to: folder.appendingPathComponent("misclassified.csv"))
    }
}

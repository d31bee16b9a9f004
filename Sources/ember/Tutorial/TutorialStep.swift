import Foundation

/// One case study of `ember tutorial`: the `ember` commands it runs and the run folders
/// whose headline numbers the index shows.
struct TutorialStep {
    let part: String
    let title: String
    /// The run folders, relative to the tutorial's folder, with what the index calls them.
    let runs: [(label: String, folder: String)]
    /// The arguments of each command, given the data folder, the tutorial's folder and the
    /// arguments every training command gets.
    let commands: (_ data: String, _ out: URL, _ common: [String]) -> [[String]]

    /// What a finished step reports to the index.
    struct Result {
        let part: String
        let title: String
        let seconds: Double
        let runs: [(label: String, folder: String, headline: String)]
    }

    func commands(data: String, out: URL, threads: Int?) -> [[String]] {
        commands(data, out, threads.map { ["--threads", String($0)] } ?? [])
    }

    func result(in out: URL, seconds: Double) -> Result {
        Result(part: part, title: title, seconds: seconds,
               runs: runs.map { ($0.label, $0.folder, Self.headline(of: out.appendingPathComponent($0.folder))) })
    }

    /// A run's headline from its `metrics.csv`: a classifier's best accuracy, an
    /// autoencoder's last test error, a GAN's last losses and, when scored, Fréchet distance.
    static func headline(of folder: URL) -> String {
        guard let csv = try? String(contentsOf: folder.appendingPathComponent("metrics.csv"), encoding: .utf8) else { return "no metrics" }
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first, lines.count > 1 else { return "no epoch finished" }
        func column(_ name: String) -> [Double]? {
            header.firstIndex(of: name).map { index in lines.dropFirst().compactMap { $0.count > index ? Double($0[index]) : nil } }
        }
        if let accuracy = column("test_accuracy") ?? column("valid_accuracy"), let best = accuracy.max() {
            return String(format: "best accuracy %.2f%% (epoch %d of %d)", best * 100, accuracy.firstIndex(of: best)! + 1, accuracy.count)
        }
        if let error = column("test_mse")?.last { return String(format: "test MSE %.4f", error) }
        if let d = column("d_loss")?.last, let g = column("g_loss")?.last {
            let distance = column("frechet_distance")?.last.map { String(format: ", Fréchet distance %.2f", $0) } ?? ""
            return String(format: "D loss %.3f, G loss %.3f", d, g) + distance
        }
        return "\(lines.count - 1) epochs"
    }

    /// The tutorial's steps; `quick` gives every training command 2 epochs and the GANs no
    /// sample scoring.
    static func all(quick: Bool) -> [TutorialStep] {
        func epochs(_ full: Int) -> [String] { ["--epochs", String(quick ? 2 : full)] }
        let unscored = quick ? ["--score-samples", "0"] : []
        let images = "part3-images"
        return [
            TutorialStep(part: "Part 2", title: "An MLP three ways: plain, with ReLU, with BatchNorm1d",
                         runs: [("simpleNet", "part2/mlp-simple"), ("Activation_Net", "part2/mlp-activation"),
                                ("Batch_Net", "part2/mlp-batchnorm")]) { data, out, common in
                [["train", "mlp", "--model", "all", "--data", data, "--out", out.appendingPathComponent("part2").path] + epochs(20) + common]
            },
            TutorialStep(part: "Part 3", title: "A CNN on MNIST-format images", runs: [("SimpleCNN", "part3/cnn")]) { data, out, common in
                [["train", "cnn", "--data", data, "--out", out.appendingPathComponent("part3").path] + epochs(10) + common]
            },
            TutorialStep(part: "Part 3", title: "Image folders: T-shirts vs shirts, from scratch and by transfer learning",
                         runs: [("from scratch", "\(images)/scratch/simplecnn"),
                                ("pretrained on the other 8 classes", "\(images)/pretrained/simplecnn"),
                                ("fine-tuned from it", "\(images)/finetuned/simplecnn"),
                                ("frozen backbone, pre-computed features", "\(images)/frozen/simplecnn")]) { data, out, common in
                let folder = { out.appendingPathComponent($0).path }
                let (pair, others) = (folder("data/pair"), folder("data/other8"))
                let pretrained = folder("\(images)/pretrained/simplecnn/model.safetensors")
                return [
                    ["export", "--data", data, "--out", pair, "--classes", "0,6"],
                    ["export", "--data", data, "--out", others, "--classes", "1,2,3,4,5,7,8,9"],
                    ["train", "images", "--data", pair, "--out", folder("\(images)/scratch")] + epochs(10) + common,
                    ["train", "images", "--data", others, "--out", folder("\(images)/pretrained")] + epochs(5) + common,
                    ["train", "images", "--data", pair, "--weights", pretrained, "--out", folder("\(images)/finetuned")] + epochs(10) + common,
                    ["train", "images", "--data", pair, "--weights", pretrained, "--freeze", "backbone", "--precompute-features",
                     "--out", folder("\(images)/frozen")] + epochs(10) + common,
                ]
            },
            TutorialStep(part: "Part 4", title: "An autoencoder with 3-D codes", runs: [("autoencoder", "part4/autoencoder")]) { data, out, common in
                [["train", "autoencoder", "--data", data, "--out", out.appendingPathComponent("part4").path] + epochs(20) + common]
            },
            TutorialStep(part: "Part 4", title: "An MLP GAN, and the same with a least-squares loss (LSGAN)",
                         runs: [("GAN", "part4/gan"), ("LSGAN", "part4/gan-lsgan")]) { data, out, common in
                let base = ["train", "gan", "--data", data, "--out", out.appendingPathComponent("part4").path] + epochs(30) + unscored + common
                return [base, base + ["--loss", "lsgan"]]
            },
            TutorialStep(part: "Part 4", title: "DCGAN", runs: [("DCGAN", "part4/dcgan")]) { data, out, common in
                [["train", "dcgan", "--data", data, "--out", out.appendingPathComponent("part4").path] + epochs(5) + unscored + common]
            },
        ]
    }
}

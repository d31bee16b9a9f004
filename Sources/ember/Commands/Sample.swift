import ArgumentParser
import EmberVision
import Foundation

/// `ember sample`: a grid of images from a trained generator.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Draw samples from a generator trained by `ember train gan|dcgan`.")

    @Option(help: "A checkpoint of `ember train gan|dcgan` (its last.safetensors).") var checkpoint: String
    @Option(help: "How many images.") var count = 64
    @Option(help: "The PNG file to write.") var out = "samples.png"
    @Option(help: "Random seed of the noise.") var seed: UInt64 = 0
    @Option(help: "Images per row of the grid.") var nrow = 8

    func validate() throws {
        guard count >= 1, nrow >= 1 else { throw ValidationError("--count and --nrow must be at least 1") }
    }

    func run() throws {
        let saved = try Checkpoint.load(from: URL(fileURLWithPath: checkpoint))
        guard let net = saved.info["architecture"].flatMap(GenerativeNet.init(rawValue:)), let weights = saved["generator"] else {
            throw CommandError("\(checkpoint) is not a checkpoint of `ember train gan|dcgan`")
        }
        let generator = skipInit { net.makeGenerator() }
        try generator.loadStateDict(weights)
        manualSeed(seed)
        let images = withEvaluation(generator) { net.images(generator(net.noise(count))) }
        try saveImage(images * 0.5 + 0.5, to: URL(fileURLWithPath: out), nrow: nrow)
        print("\(count) samples of the \(net.title) from \(checkpoint) (epoch \(saved.info["epoch"] ?? "?")) -> \(out)")
    }
}

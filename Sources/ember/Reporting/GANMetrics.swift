import EmberVision
import Foundation

/// One epoch of a GAN: the iterations' mean losses and scores, and the samples' quality.
struct GANEpoch {
    var epoch: Int
    var discriminatorLoss: Double, generatorLoss: Double
    /// Mean D(x) on real images and D(G(z)) on fakes, in the discriminator step.
    var realScore: Double, fakeScore: Double
    /// nil when scoring is off (`--score-samples 0`).
    var quality: SampleScorer.Quality?
    var seconds: Double

    static let header = " epoch  D loss  G loss    D(x)  D(G(z))  confident  class entropy  frechet distance    time"
    static let csvHeader = "epoch,d_loss,g_loss,d_x,d_g_z,confident,class_entropy,frechet_distance,seconds"

    var row: String {
        let q = quality.map { String(format: "%8.1f%%  %13.3f  %16.2f", $0.confidentShare * 100, $0.classEntropy, $0.frechetDistance) }
            ?? String(repeating: " ", count: 42)
        return String(format: "%6d  %6.3f  %6.3f  %6.3f  %7.3f  %@  %6.1fs",
                      epoch, discriminatorLoss, generatorLoss, realScore, fakeScore, q, seconds)
    }

    var csvRow: String {
        let q = quality.map { "\($0.confidentShare),\($0.classEntropy),\($0.frechetDistance)" } ?? ",,"
        return "\(epoch),\(discriminatorLoss),\(generatorLoss),\(realScore),\(fakeScore),\(q),\(seconds)"
    }

    static func csv(_ history: [GANEpoch]) -> String {
        ([csvHeader] + history.map(\.csvRow)).joined(separator: "\n") + "\n"
    }

    /// Reads back `csv`, for resumed runs.
    static func parse(csv: String) -> [GANEpoch] {
        csv.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
            guard f.count == 9, let epoch = f[0], let d = f[1], let g = f[2], let x = f[3], let z = f[4], let s = f[8] else { return nil }
            var quality: SampleScorer.Quality?
            if let c = f[5], let e = f[6], let distance = f[7] {
                quality = SampleScorer.Quality(confidentShare: c, classEntropy: e, frechetDistance: distance)
            }
            return GANEpoch(epoch: Int(epoch), discriminatorLoss: d, generatorLoss: g, realScore: x, fakeScore: z, quality: quality, seconds: s)
        }
    }

    /// Loss curves (both nets) and, when scored, the Fréchet distance per epoch.
    static func plot(_ history: [GANEpoch]) -> String {
        func points(_ pick: (GANEpoch) -> Double?) -> [(x: Double, y: Double)] {
            history.compactMap { e in pick(e).map { (Double(e.epoch), $0) } }
        }
        var panels = [SVGPlot.Panel(title: "Losses", yLabel: "loss", series: [
            SVGPlot.Series(name: "discriminator", color: SVGPlot.palette[0], dashed: false, points: points { $0.discriminatorLoss }),
            SVGPlot.Series(name: "generator", color: SVGPlot.palette[1], dashed: false, points: points { $0.generatorLoss }),
        ])]
        let frechet = points { $0.quality?.frechetDistance }
        if !frechet.isEmpty {
            panels.append(SVGPlot.Panel(title: "Fréchet distance to real images", yLabel: "distance",
                                        series: [SVGPlot.Series(name: "samples", color: SVGPlot.palette[2], dashed: false, points: frechet)]))
        }
        return SVGPlot.render(panels)
    }
}

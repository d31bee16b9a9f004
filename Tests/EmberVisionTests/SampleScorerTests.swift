import Foundation
import Testing
@testable import EmberVision

/// `frechetDistance` against pytorch-fid's formula (`generate_frechet.py`), and
/// `SampleScorer`'s confidence and class-entropy figures.
struct SampleScorerTests {
    static let fixture: [String: Tensor] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/frechet.safetensors")
        return try! SafeTensors.load(from: url)
    }()

    @Test(arguments: ["near", "shifted", "skewed", "rank_deficient"])
    func frechetDistanceMatchesScipy(_ name: String) {
        let distance = frechetDistance(Self.fixture["\(name).a"]!, Self.fixture["\(name).b"]!)
        let expected = Double(Self.fixture["\(name).distance"]!.item() as Float)
        #expect(abs(distance - expected) <= 1e-4 * max(1, abs(expected)), "\(name): \(distance) against \(expected)")
    }

    @Test func identicalSetsAreAtDistanceZero() {
        let a = Self.fixture["skewed.a"]!
        #expect(abs(frechetDistance(a, a)) < 1e-6)
    }

    @Test func confidenceAndEntropyCountThePredictions() {
        // A "classifier" that passes 3-D inputs through: its logits are the inputs, its
        // features the inputs of the final layer (the identity here).
        let head = Identity()
        let classifier = Sequential([head])
        let real = Tensor([[9, 0, 0], [0, 9, 0], [0, 0, 9], [9, 0, 0]])
        let scorer = SampleScorer(classifier: classifier, featureLayer: head, real: real)
        let samples = Tensor([[9, 0, 0], [9, 0, 0], [0, 9, 0], [0.1, 0, 0]])   // the last one unsure
        let quality = scorer.score(samples)
        #expect(quality.confidentShare == 0.75)
        let expected = -(0.75 * log(0.75) + 0.25 * log(0.25))   // classes 0, 0, 1, 0
        #expect(abs(quality.classEntropy - expected) < 1e-9)
        #expect(quality.frechetDistance > 0)
    }
}

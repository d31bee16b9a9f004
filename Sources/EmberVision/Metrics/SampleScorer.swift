import Ember
import Foundation

/// Scores generated images with a classifier trained on the real data (DESIGN §11): how
/// many it classifies confidently, how evenly its predictions spread over the classes, and
/// the Fréchet distance between its penultimate-layer features of generated and of real
/// images — FID's formula in a domain classifier's feature space instead of Inception's.
///
/// ```swift
/// let scorer = SampleScorer(classifier: cnn, featureLayer: cnn.fc.fc3, real: testImages)
/// let quality = scorer.score(generator(noise))    // quality.frechetDistance, ...
/// ```
public struct SampleScorer {
    /// What `score` measures for one set of samples.
    public struct Quality: Sendable, Equatable {
        /// The share of samples whose top softmax probability is at least `confidence`.
        public var confidentShare: Double
        /// The entropy (nats) of the histogram of predicted classes: log(classes) when
        /// every class is generated equally often, 0 when one class is.
        public var classEntropy: Double
        /// The Fréchet distance to the real images' features.
        public var frechetDistance: Double

        /// Scores as measured.
        public init(confidentShare: Double, classEntropy: Double, frechetDistance: Double) {
            self.confidentShare = confidentShare
            self.classEntropy = classEntropy
            self.frechetDistance = frechetDistance
        }
    }

    /// The classifier, in evaluation mode.
    public let classifier: Module
    /// The layer whose input is the feature vector (the last `Linear`, e.g. `fc.fc3`).
    public let featureLayer: Module
    /// The top probability a confident prediction reaches.
    public let confidence: Float
    /// The real images' features, computed once.
    public let realFeatures: Tensor
    private let batchSize: Int

    /// A scorer comparing with `real` (`[N, C, H, W]`, as the classifier takes them).
    public init(classifier: Module, featureLayer: Module, real: Tensor, confidence: Float = 0.9, batchSize: Int = 500) {
        self.classifier = classifier
        self.featureLayer = featureLayer
        self.confidence = confidence
        self.batchSize = batchSize
        realFeatures = Self.run(classifier, featureLayer, real, batchSize: batchSize).features
    }

    /// The scores of `samples` (`[N, C, H, W]`, the classifier's input format).
    public func score(_ samples: Tensor) -> Quality {
        let (logits, features) = Self.run(classifier, featureLayer, samples, batchSize: batchSize)
        let probabilities = logits.softmax(dim: 1)
        let top = probabilities.max(dim: 1).values.toArray()
        let predicted = probabilities.argmax(dim: 1).toArray(as: Int64.self)
        var histogram = [Double](repeating: 0, count: logits.shape[1])
        for p in predicted { histogram[Int(p)] += 1 }
        let n = Double(predicted.count)
        let entropy = histogram.reduce(0.0) { $1 > 0 ? $0 - $1 / n * log($1 / n) : $0 }
        return Quality(confidentShare: Double(top.filter { $0 >= confidence }.count) / n, classEntropy: entropy,
                       frechetDistance: frechetDistance(features, realFeatures))
    }

    /// Logits and the feature layer's inputs, in batches, without gradients.
    private static func run(_ classifier: Module, _ featureLayer: Module, _ images: Tensor, batchSize: Int) -> (logits: Tensor, features: Tensor) {
        classifier.eval()
        var logits: [Tensor] = [], features: [Tensor] = []
        let hook = featureLayer.registerForwardHook { _, input, _ in features.append(input) }
        defer { hook.remove() }
        withNoGrad {
            for start in stride(from: 0, to: images.shape[0], by: batchSize) {
                logits.append(classifier(images.narrow(dim: 0, start: start, length: min(batchSize, images.shape[0] - start))))
            }
        }
        return (Tensor.cat(logits, dim: 0), Tensor.cat(features, dim: 0))
    }
}

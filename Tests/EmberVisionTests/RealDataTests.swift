import Foundation
import Testing
@testable import EmberVision

/// The real data sets, compared with what torchvision reads from the same files
/// (`Tests/Fixtures/generate_data.py`); skipped where the files are absent.
struct RealDataTests {
    /// Checks a split's size, class balance, pixel statistics and first images.
    private func check(_ data: MNISTFormatDataset<some MNISTSource>, key: String, count: Int, first: Int) {
        #expect(data.count == count, "\(key): \(data.count) samples")
        var histogram = [Int64](repeating: 0, count: 10)
        for label in data.targets { histogram[label] += 1 }
        #expect(histogram == Golden["\(key).label_counts"].toArray(as: Int64.self), "\(key) classes")
        #expect(data.targets.prefix(first).map(Int64.init) == Golden["\(key).labels"].toArray(as: Int64.self))

        // Statistics in Float64 over all bytes, as the fixture computes them.
        var sum = 0.0, squares = 0.0
        for index in 0..<data.count {
            for pixel in data.image(at: index).pixels {
                let value = Double(pixel) / 255
                sum += value
                squares += value * value
            }
        }
        let n = Double(data.count * data.height * data.width)
        let mean = sum / n
        #expect(abs(Float(mean) - Golden["\(key).mean"].item()) < 1e-5, "\(key) mean \(mean)")
        #expect(abs(Float((squares / n - mean * mean).squareRoot()) - Golden["\(key).std"].item()) < 1e-5, "\(key) std")

        let (images, _) = data.batch(at: Array(0..<first))
        expectClose(images, Golden["\(key).images"], tolerance: 2e-6, "\(key) first images")
    }

    @Test(.enabled(if: RealData.exists(RealData.mnist5k), "needs ../shared/data/mnist-5k"))
    func mnist5k() throws {
        let transform = Compose([ToTensor(), Normalize(mean: [0.1307], std: [0.3081])])
        check(try MNIST(root: RealData.mnist5k, train: true, transform: transform), key: "mnist5k.train", count: 4000, first: 8)
        check(try MNIST(root: RealData.mnist5k, train: false, transform: transform), key: "mnist5k.test", count: 1000, first: 8)
    }

    @Test(.enabled(if: RealData.exists(FashionMNIST.debianRoot), "needs Debian's dataset-fashion-mnist"))
    func fashionMNISTFromDebian() throws {
        check(try FashionMNIST(root: FashionMNIST.debianRoot, transform: ToTensor()), key: "fashion.train", count: 60_000, first: 4)
        check(try FashionMNIST(root: FashionMNIST.debianRoot, train: false, transform: ToTensor()), key: "fashion.test", count: 10_000, first: 4)
    }
}

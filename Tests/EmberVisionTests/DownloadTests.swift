import Foundation
import Testing
@testable import EmberVision

/// A made-up MNIST-format set whose files the tests serve from memory.
private enum TestSource: MNISTSource {
    static let name = "TestSet"
    static let mirrors = ["http://mirror-a.invalid/", "http://mirror-b.invalid/"]
    static let classes = (0..<10).map(String.init)

    /// The gzip files, as a mirror serves them.
    static let files: [String: Data] = {
        let set = TinySet(count: 6)
        var files: [String: Data] = [:]
        for split in ["train", "t10k"] {
            files["\(split)-images-idx3-ubyte.gz"] = Data(IDX.gzip(set.imagesFile))
            files["\(split)-labels-idx1-ubyte.gz"] = Data(IDX.gzip(set.labelsFile))
        }
        return files
    }()

    static let resources = ["train-images", "train-labels", "t10k-images", "t10k-labels"].map { stem in
        let file = "\(stem)-idx\(stem.hasSuffix("images") ? 3 : 1)-ubyte.gz"
        return (file: file, md5: Digests.md5Hex(files[file]!))
    }
}

private struct Unreachable: Error {}

struct DownloadTests {
    @Test func md5KnownAnswers() {
        let cases = [
            "": "d41d8cd98f00b204e9800998ecf8427e",
            "a": "0cc175b9c0f1b6a831c399e269772661",
            "abc": "900150983cd24fb0d6963f7d28e17f72",
            "message digest": "f96b697d7cb7938d525a2f31aaf161d0",
            "The quick brown fox jumps over the lazy dog": "9e107d9d372bb6826bd81d3542a419d6",
            String(repeating: "1234567890", count: 8): "57edf4a22be3c955ac49da2e2107b67a",
        ]
        for (text, digest) in cases {
            #expect(Digests.md5Hex(Data(text.utf8)) == digest, "MD5 of \(text.count) bytes")
        }
    }

    @Test func downloadsFromTheFirstWorkingMirrorAndLoads() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let downloader = Downloader { url in
            guard url.host == "mirror-b.invalid", let data = TestSource.files[url.lastPathComponent] else { throw Unreachable() }
            return data
        }
        let data = try MNISTFormatDataset<TestSource>(root: folder.path, train: false, transform: nil,
                                                      targetTransform: nil, downloader: downloader)
        #expect(data.count == 6 && data.targets == [0, 3, 6, 9, 2, 5])
        let raw = folder.url.appendingPathComponent("TestSet/raw")
        let saved = try FileManager.default.contentsOfDirectory(atPath: raw.path).sorted()
        #expect(saved == TestSource.resources.map(\.file).sorted(), "all four files and nothing else")

        // Present files are not fetched again.
        let offline = Downloader { _ in throw Unreachable() }
        #expect(try MNISTFormatDataset<TestSource>(root: folder.path, train: true, transform: nil,
                                                   targetTransform: nil, downloader: offline).count == 6)
    }

    @Test func checksumMismatchIsRejected() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let tampered = Downloader { url in TestSource.files[url.lastPathComponent]! + Data([0]) }
        let message = try #require(errorMessage {
            _ = try MNISTFormatDataset<TestSource>(root: folder.path, train: true, transform: nil,
                                                   targetTransform: nil, downloader: tampered)
        })
        #expect(message.contains("train-images-idx3-ubyte.gz") && message.contains("MD5 checksum"))
        #expect(message.contains("mirror-a.invalid") && message.contains("mirror-b.invalid"))
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("TestSet/raw/train-images-idx3-ubyte.gz").path))
    }

    @Test func failedDownloadSaysWhereToPutTheFiles() throws {
        // A real URLSession request to a closed local port fails at once, network or not.
        enum Closed: MNISTSource {
            static let name = "MNIST"
            static let mirrors = ["http://127.0.0.1:1/"]
            static let resources = MNISTDigitsSource.resources
            static let classes = MNISTDigitsSource.classes
        }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let message = try #require(errorMessage {
            _ = try MNISTFormatDataset<Closed>(root: folder.path, train: true, transform: nil,
                                               targetTransform: nil, downloader: Downloader())
        })
        #expect(message.contains("could not download train-images-idx3-ubyte.gz") && message.contains("127.0.0.1:1"))
        #expect(message.contains("\(folder.path)/MNIST/raw"))
        for file in MNISTDigitsSource.resources.map(\.file) { #expect(message.contains(file)) }
    }
}

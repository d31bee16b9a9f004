import Ember
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where pretrained checkpoints live: PyTorch's own cache, so a user who has run
/// torchvision already has them, and Ember and PyTorch share one copy.
///
/// The folder is `$TORCH_HOME/hub/checkpoints`, with `TORCH_HOME` defaulting to
/// `$XDG_CACHE_HOME/torch` and that to `~/.cache/torch`, as `torch.hub.get_dir()`.
/// A missing file is downloaded from torchvision's URL with a progress line on standard
/// error, its SHA-256 checked against the prefix in its name, and written atomically.
public struct WeightsCache: Sendable {
    /// The folder holding the checkpoint files.
    public let directory: URL
    /// Fetches a URL, reporting `(received, expected)` bytes as they arrive; URLSession by
    /// default, replaceable in tests.
    var fetch: @Sendable (URL, _ progress: @escaping @Sendable (Int64, Int64?) -> Void) throws -> Data = WeightsCache.httpGet

    /// The cache in `directory`.
    public init(directory: URL) {
        self.directory = directory
    }

    /// PyTorch's cache, found from the environment as `torch.hub` finds it.
    public static var pytorch: WeightsCache { WeightsCache(directory: pytorchDirectory(ProcessInfo.processInfo.environment)) }

    /// `$TORCH_HOME/hub/checkpoints` for the given environment.
    static func pytorchDirectory(_ environment: [String: String]) -> URL {
        let home = FileManager.default.homeDirectoryForCurrentUser
        let cache = environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) } ?? home.appendingPathComponent(".cache")
        let torchHome = environment["TORCH_HOME"].map { URL(fileURLWithPath: NSString(string: $0).expandingTildeInPath) }
            ?? cache.appendingPathComponent("torch")
        return torchHome.appendingPathComponent("hub/checkpoints")
    }

    /// The local file of `weights`: the cached one, or a fresh download.
    /// - Parameters:
    ///   - weights: the checkpoint wanted.
    ///   - progress: print a progress line while downloading.
    /// - Throws: `WeightsError` when the file is missing and cannot be downloaded, or the
    ///   download does not match its hash prefix.
    public func file(for weights: PretrainedWeights, progress: Bool = true) throws -> URL {
        let target = directory.appendingPathComponent(weights.fileName)
        if FileManager.default.fileExists(atPath: target.path) { return target }
        let data: Data
        do {
            let bar = progress ? DownloadProgress(name: weights.fileName) : nil
            data = try fetch(weights.url) { received, expected in bar?.update(received: received, expected: expected) }
            bar?.finish()
        } catch {
            throw WeightsError.unavailable(file: weights.fileName, url: weights.url.absoluteString,
                                           folder: directory.path, reason: Self.describe(error))
        }
        if let prefix = weights.hashPrefix {
            let digest = Digests.sha256Hex(data)
            guard digest.hasPrefix(prefix) else {
                throw WeightsError.hashMismatch(file: weights.fileName, expectedPrefix: prefix, actual: digest)
            }
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try AtomicFile.write(data, to: target)
        } catch {
            throw WeightsError.unavailable(file: weights.fileName, url: weights.url.absoluteString, folder: directory.path,
                                           reason: "the download could not be saved: \(error)")
        }
        return target
    }

    private static func describe(_ error: Error) -> String {
        let system = error as NSError
        return system.domain == NSURLErrorDomain ? system.localizedDescription : "\(error)"
    }

    /// A GET through URLSession that reports progress; non-200 answers are errors.
    static func httpGet(_ url: URL, progress: @escaping @Sendable (Int64, Int64?) -> Void) throws -> Data {
        let receiver = StreamingReceiver(progress: progress)
        let session = URLSession(configuration: .default, delegate: receiver, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        session.dataTask(with: URLRequest(url: url, timeoutInterval: 60)).resume()
        receiver.done.wait()
        return try receiver.result!.get()
    }
}

/// A checkpoint that cannot be had.
public enum WeightsError: Error, Equatable, CustomStringConvertible {
    /// Not in the cache, and the download failed (offline, say).
    case unavailable(file: String, url: String, folder: String, reason: String)
    /// The downloaded bytes do not hash to the prefix in the file name.
    case hashMismatch(file: String, expectedPrefix: String, actual: String)
    /// No checkpoint of this name for the architecture.
    case unknownWeights(String, architecture: String, known: [String])

    public var description: String {
        switch self {
        case .unavailable(let file, let url, let folder, let reason):
            "cannot get the pretrained weights \(file): \(reason). Download \(url) and put it in \(folder) "
                + "(PyTorch's cache; set TORCH_HOME to use another), or pass a local .pth or .safetensors file"
        case .hashMismatch(let file, let prefix, let actual):
            "the download of \(file) is damaged: its SHA-256 is \(actual), which does not start with \(prefix); nothing was saved"
        case .unknownWeights(let name, let architecture, let known):
            known.isEmpty ? "\(architecture) has no pretrained weights in torchvision"
                : "\(architecture) has no weights named '\(name)'; it has: \(known.joined(separator: ", ")) (or DEFAULT)"
        }
    }
}

/// Collects a download's bytes and reports progress; the semaphore hands the result to the
/// waiting caller.
private final class StreamingReceiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let progress: @Sendable (Int64, Int64?) -> Void
    let done = DispatchSemaphore(value: 0)
    var result: Result<Data, Error>?
    private var data = Data()
    private var expected: Int64?
    private var status = 200

    init(progress: @escaping @Sendable (Int64, Int64?) -> Void) {
        self.progress = progress
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        status = (response as? HTTPURLResponse)?.statusCode ?? 200
        expected = response.expectedContentLength > 0 ? response.expectedContentLength : nil
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive chunk: Data) {
        data.append(chunk)
        progress(Int64(data.count), expected)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if let error {
            result = .failure(error)
        } else if status != 200 {
            result = .failure(HTTPStatus(code: status))
        } else {
            result = .success(data)
        }
        done.signal()
    }

    struct HTTPStatus: Error, CustomStringConvertible {
        let code: Int
        var description: String { "HTTP status \(code)" }
    }
}

/// `Downloading resnet18-f37072fd.pth: 12.5 / 44.7 MB (28%)` on standard error, redrawn
/// at most every tenth of a second.
private final class DownloadProgress: @unchecked Sendable {
    let name: String
    private var lastDraw = Date.distantPast
    private let lock = NSLock()

    init(name: String) { self.name = name }

    func update(received: Int64, expected: Int64?) {
        lock.lock()
        defer { lock.unlock() }
        guard Date().timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = Date()
        let megabytes = { (bytes: Int64) in String(format: "%.1f", Double(bytes) / 1_000_000) }
        var line = "\rDownloading \(name): \(megabytes(received))"
        if let expected { line += " / \(megabytes(expected)) MB (\(received * 100 / max(expected, 1))%)" } else { line += " MB" }
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() { FileHandle.standardError.write(Data("\n".utf8)) }
}

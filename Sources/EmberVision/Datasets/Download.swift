import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches data set files from mirrors, checks them against published MD5 checksums and
/// writes them atomically, so a failed or partial download never leaves a file behind.
struct Downloader {
    /// Returns the bytes at a URL or throws; URLSession by default, replaceable in tests.
    var fetch: @Sendable (URL) throws -> Data = Downloader.httpGet

    /// Downloads `file` from the first mirror that serves it with checksum `md5` into
    /// `folder`; `manualHint` ends the error message when every mirror fails.
    func download(file: String, md5: String, mirrors: [String], into folder: URL, manualHint: String) throws {
        var attempts: [String] = []
        for mirror in mirrors {
            guard let url = URL(string: mirror + file) else { continue }
            let data: Data
            do {
                data = try fetch(url)
            } catch {
                attempts.append("\(url.absoluteString): \(Self.describe(error))")
                continue
            }
            let digest = Digests.md5Hex(data)
            guard digest == md5 else {
                attempts.append("\(url.absoluteString): MD5 checksum \(digest) does not match the expected \(md5)")
                continue
            }
            let target = folder.appendingPathComponent(file)
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try data.write(to: target, options: .atomic)
            } catch {
                throw DatasetError.io(path: target.path, reason: "cannot save the download: \(error.localizedDescription)")
            }
            return
        }
        throw DatasetError.downloadFailed(file: file, reason: "tried \(attempts.joined(separator: "; ")). \(manualHint)")
    }

    private static func describe(_ error: Error) -> String {
        (error as? HTTPStatusError)?.description ?? error.localizedDescription
    }

    /// A synchronous GET through URLSession; non-200 answers are errors.
    static func httpGet(_ url: URL) throws -> Data {
        let result = Completion()
        let request = URLRequest(url: url, timeoutInterval: 60)
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error {
                result.value = .failure(error)
            } else if let status = (response as? HTTPURLResponse)?.statusCode, status != 200 {
                result.value = .failure(HTTPStatusError(status: status))
            } else {
                result.value = .success(data ?? Data())
            }
            result.done.signal()
        }.resume()
        result.done.wait()
        return try result.value!.get()
    }

    /// Hands URLSession's answer to the waiting caller; the semaphore orders the accesses.
    private final class Completion: @unchecked Sendable {
        var value: Result<Data, Error>?
        let done = DispatchSemaphore(value: 0)
    }

    private struct HTTPStatusError: Error, CustomStringConvertible {
        let status: Int
        var description: String { "HTTP status \(status)" }
    }
}

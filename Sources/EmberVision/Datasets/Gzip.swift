import CSystemZlib

/// gzip decompression through zlib, for `.gz` data set files.
enum Gzip {
    /// Whether `bytes` start with gzip's magic number.
    static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// The decompressed contents of every gzip member in `bytes`; `path` names the file in
    /// errors. `limit` is asked, as the output grows, how many bytes the contents can
    /// legitimately need given what has been decompressed so far (nil: not known yet).
    /// Inflating stops once the output is past it, and the output so far is returned for
    /// the caller's own checks to reject (as too long): a small file cannot inflate to
    /// gigabytes.
    static func decompress(
        _ bytes: [UInt8], path: String, limit: (UnsafeBufferPointer<UInt8>) -> Int? = { _ in nil }
    ) throws -> [UInt8] {
        guard isGzip(bytes) else {
            throw DatasetError.corrupt(path: path, reason: "not gzip data (the file does not start with 1f 8b)")
        }
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header and trailer rather than a raw zlib stream.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DatasetError.io(path: path, reason: "zlib could not start decompressing")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: min(sizeHint(bytes), 1 << 20))
        var produced = 0
        try bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while true {
                // Deflate cannot expand more than 1032:1, whatever the contents declare.
                let declared = output.withUnsafeBufferPointer { limit(UnsafeBufferPointer(rebasing: $0[..<produced])) }
                let allowed = declared.map { min($0, bytes.count * 1032) }
                if let allowed, produced > allowed { return }
                // Until the contents say how much they need, inflate in small steps; then
                // no further than one byte past it (enough for the caller to see "too long").
                let room = allowed.map { $0 + 1 - produced } ?? 4096
                if produced == output.count {
                    output = grown(output, by: allowed == nil ? output.count : min(output.count, max(room, 64)))
                }
                let status = output.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = UInt32(min(out.count - produced, room, Int(UInt32.max)))
                    let status = inflate(&stream, Z_NO_FLUSH)
                    produced = stream.next_out - out.baseAddress!
                    return status
                }
                switch status {
                case Z_STREAM_END where stream.avail_in == 0:
                    return
                case Z_STREAM_END:
                    // Another member follows (`cat a.gz b.gz`), which gzip itself accepts.
                    guard inflateReset(&stream) == Z_OK else {
                        throw DatasetError.corrupt(path: path, reason: "cannot read the gzip member after the first")
                    }
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw DatasetError.corrupt(path: path, reason: "the gzip data ends early: the file is truncated (an interrupted download?)")
                case Z_BUF_ERROR:
                    continue  // the output is full; it grows at the top of the loop
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw DatasetError.corrupt(path: path, reason: "corrupt gzip data: \(message)")
                }
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// `buffer` with `extra` zero bytes more, by one copy (an element-wise append is slow
    /// in debug builds, where the tests run).
    private static func grown(_ buffer: [UInt8], by extra: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: buffer.count + extra) { target, initialized in
            buffer.withUnsafeBufferPointer { source in
                target.baseAddress!.update(from: source.baseAddress!, count: source.count)
            }
            (target.baseAddress! + buffer.count).initialize(repeating: 0, count: extra)
            initialized = buffer.count + extra
        }
    }

    /// The uncompressed size gzip records in its last four bytes (modulo 2^32), bounded by
    /// deflate's best ratio so a damaged trailer cannot ask for gigabytes.
    private static func sizeHint(_ bytes: [UInt8]) -> Int {
        guard bytes.count >= 4 else { return 64 }
        let recorded = bytes.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        return max(64, min(recorded, bytes.count * 1032))
    }
}

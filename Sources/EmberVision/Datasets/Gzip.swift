import CZlib

/// gzip decompression through zlib, for `.gz` data set files.
enum Gzip {
    /// Whether `bytes` start with gzip's magic number.
    static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// The decompressed contents of every gzip member in `bytes`; `path` names the file in
    /// errors.
    static func decompress(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        guard isGzip(bytes) else {
            throw DatasetError.corrupt(path: path, reason: "not gzip data (the file does not start with 1f 8b)")
        }
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header and trailer rather than a raw zlib stream.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DatasetError.io(path: path, reason: "zlib could not start decompressing")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: sizeHint(bytes))
        var produced = 0
        try bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while true {
                if produced == output.count { output.append(contentsOf: repeatElement(0, count: output.count)) }
                let status = output.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = UInt32(min(out.count - produced, Int(UInt32.max)))
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

    /// The uncompressed size gzip records in its last four bytes (modulo 2^32), bounded by
    /// deflate's best ratio so a damaged trailer cannot ask for gigabytes.
    private static func sizeHint(_ bytes: [UInt8]) -> Int {
        guard bytes.count >= 4 else { return 64 }
        let recorded = bytes.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        return max(64, min(recorded, bytes.count * 1032))
    }
}

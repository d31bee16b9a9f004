import CZip
import Foundation

/// A zip archive in memory, read through libzip: opened with its consistency checks
/// (`ZIP_CHECKCONS`: end records, central directory and every local header must agree), with
/// entries found by name and read with their CRC-32 checked.
///
/// Every size an entry declares is checked against the archive before anything is allocated,
/// and every libzip failure becomes `PthError.corrupt` naming the file, so a hostile archive
/// gives a typed error, never a trap or an allocation beyond what the file can hold.
/// (ZIPFoundation 0.9.20 trapped on such archives: its in-memory reader on offsets past the
/// end, its file reader on offsets of 2^63 and more.)
final class ZipReader {
    /// How far deflate can expand: 1032 to 1 at best, plus a little for tiny streams.
    static let deflateRatio: UInt64 = 1032
    static let deflateSlack: UInt64 = 1 << 10

    let path: String
    /// The archive's size in bytes.
    let byteCount: Int
    /// The entry names in directory order.
    let names: [String]
    private let archive: OpaquePointer

    /// Runs `body` over the archive in `data`. The reader reads `data` in place and is valid
    /// only inside `body`.
    static func withArchive<R>(_ data: Data, path: String, _ body: (ZipReader) throws -> R) throws -> R {
        try data.withUnsafeBytes { raw in
            let reader = try ZipReader(raw, path: path)
            return try body(reader)
        }
    }

    private init(_ bytes: UnsafeRawBufferPointer, path: String) throws {
        self.path = path
        byteCount = bytes.count
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        func corrupt(_ what: String) -> PthError {
            .corrupt(path: path, reason: "zip archive: \(what): \(LibZipError.describe(&error))")
        }
        // freep 0: the bytes belong to the caller's Data.
        guard let source = zip_source_buffer_create(bytes.baseAddress, zip_uint64_t(bytes.count), 0, &error) else {
            throw corrupt("cannot read it")
        }
        guard let archive = zip_open_from_source(source, ZIP_CHECKCONS | ZIP_RDONLY, &error) else {
            zip_source_free(source)
            throw corrupt("cannot open it")
        }
        var names: [String] = []
        for index in 0..<max(0, zip_get_num_entries(archive, 0)) {
            guard let name = zip_get_name(archive, zip_uint64_t(index), 0) else {
                zip_discard(archive)
                throw PthError.corrupt(path: path, reason: "zip archive: entry \(index) has no readable name")
            }
            names.append(String(cString: name))
        }
        self.archive = archive
        self.names = names
    }

    deinit { zip_discard(archive) }

    /// Whether the archive holds an entry called `name`.
    func contains(_ name: String) -> Bool { zip_name_locate(archive, name, 0) >= 0 }

    /// The bytes of entry `name`, or nil when there is none. Its declared sizes are checked
    /// against the archive (and against `expected`, when given) before anything is read; it
    /// must be stored or deflated, not encrypted, and pass its CRC-32 check.
    func contents(of name: String, expected: Int? = nil) throws -> Data? {
        let found = zip_name_locate(archive, name, 0)
        guard found >= 0 else { return nil }
        let index = zip_uint64_t(found)
        func bad(_ reason: String) -> PthError { .corrupt(path: path, reason: "zip archive: entry '\(name)' \(reason)") }
        var stat = zip_stat_t()
        zip_stat_init(&stat)
        guard zip_stat_index(archive, index, 0, &stat) == 0 else { throw bad("cannot be read: \(LibZipError.describe(zip_get_error(archive)))") }
        let size = stat.size, packed = stat.comp_size
        guard stat.encryption_method == ZIP_EM_NONE else { throw bad("is encrypted") }
        guard packed <= UInt64(byteCount) else { throw bad("declares \(packed) bytes in a \(byteCount)-byte file") }
        switch Int32(stat.comp_method) {
        case ZIP_CM_STORE:
            guard size == packed else { throw bad("is stored but declares \(packed) stored and \(size) actual bytes") }
        case ZIP_CM_DEFLATE:
            guard size <= packed * Self.deflateRatio + Self.deflateSlack else {
                throw bad("declares \(size) bytes from \(packed) deflated ones, more than deflate expands to")
            }
        default:
            throw bad("is compressed with method \(stat.comp_method); stored and deflated entries are read")
        }
        if let expected, size != UInt64(expected) { throw bad("holds \(size) bytes, \(expected) expected") }
        guard let file = zip_fopen_index(archive, index, 0) else {
            throw bad("cannot be opened: \(LibZipError.describe(zip_get_error(archive)))")
        }
        defer { zip_fclose(file) }
        // A deflated entry's buffer grows with what actually comes out of the stream, so a
        // header that declares far more than the stream holds costs nothing to refuse.
        var data = Data(count: Int(min(size, packed &* 4 &+ Self.growthStep)))
        var read: Int64 = 0
        while read >= 0 {
            read = Self.fill(&data, from: file, after: read)
            guard read == Int64(data.count), data.count < Int(size) else { break }
            data.count = Int(min(size, UInt64(data.count) * 2))
        }
        if read == Int64(size) {
            // One more read reaches the end, where libzip compares the CRC-32 and the size.
            var extra: UInt8 = 0
            let n = zip_fread(file, &extra, 1)
            read = n < 0 ? n : read + n
        }
        guard read >= 0 else {
            let error = zip_file_get_error(file)!
            if zip_error_code_zip(error) == ZIP_ER_CRC { throw bad("fails its CRC-32 check") }
            throw bad("cannot be read: \(LibZipError.describe(error))")
        }
        guard read == Int64(size) else {
            throw bad(read < Int64(size) ? "ends after \(read) of its \(size) bytes" : "holds more than its declared \(size) bytes")
        }
        return data
    }

    /// The first size a deflated entry's buffer gets beyond four times its packed bytes.
    private static let growthStep: UInt64 = 1 << 20

    /// Reads from `file` into `data` from offset `start` until `data` is full or the entry
    /// ends; returns the bytes now in `data`, or libzip's negative result on failure.
    private static func fill(_ data: inout Data, from file: OpaquePointer, after start: Int64) -> Int64 {
        data.withUnsafeMutableBytes { raw -> Int64 in
            var total = start
            while total < Int64(raw.count) {
                let n = zip_fread(file, raw.baseAddress! + Int(total), zip_uint64_t(Int64(raw.count) - total))
                if n <= 0 { return n < 0 ? n : total }
                total += n
            }
            return total
        }
    }
}

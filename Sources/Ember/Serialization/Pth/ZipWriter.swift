import CZip
import Foundation

/// A zip archive of stored entries, built in memory through libzip, laid out as `torch.save`
/// lays out its records: each entry's data starts at a multiple of 64 bytes, padded with a
/// local extra field (id "FB", as PyTorch's writer pads), so that `torch.load(mmap=True)`
/// maps aligned storages. libzip writes zip64 records when the archive needs them.
final class ZipWriter {
    /// PyTorch's record alignment (`kFieldAlignment` in caffe2's inline_container.cc).
    static let alignment = 64
    /// The padding field's id: the bytes "FB", little-endian.
    static let paddingField: zip_uint16_t = 0x4246

    private let path: String
    private let source: OpaquePointer
    private let archive: OpaquePointer
    /// Where the next local header starts; libzip writes entries in the order they are added.
    private var offset = 0
    private var closed = false
    /// Copies of added `Data` entries, owned here rather than by libzip (which frees what it
    /// owns on some failure paths and not on others), freed with the writer.
    private var copies: [UnsafeMutableRawPointer] = []

    /// An empty archive; `path` names the file in errors.
    init(path: String) throws {
        self.path = path
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        func failure() -> SerializationError { .io(path: path, reason: "cannot build the zip archive: \(LibZipError.describe(&error))") }
        guard let source = zip_source_buffer_create(nil, 0, 0, &error) else { throw failure() }
        // Kept past zip_close, which frees the archive's sources: the bytes are read from it.
        zip_source_keep(source)
        guard let archive = zip_open_from_source(source, ZIP_TRUNCATE, &error) else {
            zip_source_free(source)
            zip_source_free(source)
            throw failure()
        }
        self.source = source
        self.archive = archive
    }

    deinit {
        if !closed { zip_discard(archive) }
        zip_source_free(source)
        copies.forEach { free($0) }
    }

    private func failure(_ what: String, _ error: UnsafeMutablePointer<zip_error_t>) -> SerializationError {
        .io(path: path, reason: "\(what): \(LibZipError.describe(error))")
    }

    /// Adds a stored entry whose bytes are copied now.
    func add(_ name: String, _ contents: Data) throws {
        guard !contents.isEmpty else { return try add(name, borrowing: UnsafeRawBufferPointer(start: nil, count: 0)) }
        let copy = malloc(contents.count)!
        copies.append(copy)
        contents.copyBytes(to: copy.assumingMemoryBound(to: UInt8.self), count: contents.count)
        try add(name, borrowing: UnsafeRawBufferPointer(start: copy, count: contents.count))
    }

    /// Adds a stored entry over `bytes` without copying them: they must stay valid and
    /// unchanged until `finish` returns.
    func add(_ name: String, borrowing bytes: UnsafeRawBufferPointer) throws {
        precondition(!closed, "ZipWriter: an entry added after finish()")
        let what = "cannot add '\(name)' to the zip archive"
        guard let entry = zip_source_buffer(archive, bytes.baseAddress, zip_uint64_t(bytes.count), 0) else {
            throw failure(what, zip_get_error(archive))
        }
        let added = zip_file_add(archive, name, entry, zip_flags_t(ZIP_FL_ENC_UTF_8))
        guard added >= 0 else {
            zip_source_free(entry)
            throw failure(what, zip_get_error(archive))
        }
        let index = zip_uint64_t(added)
        // Local header: 30 bytes, the name, libzip's zip64 field for sizes of 2^32 - 1 and
        // more, then the padding, at least its own 4-byte header.
        let zip64 = bytes.count >= 0xFFFF_FFFF ? 20 : 0
        let header = 30 + name.utf8.count + zip64
        var padding = (Self.alignment - (offset + header) % Self.alignment) % Self.alignment
        if padding < 4 { padding += Self.alignment }
        let zeros = [UInt8](repeating: 0, count: padding - 4)
        guard zip_set_file_compression(archive, index, ZIP_CM_STORE, 0) == 0,
              // A fixed date (1980-01-01), so that the same tensors give the same bytes.
              zip_file_set_dostime(archive, index, 0, 0x21, 0) == 0,
              zip_file_extra_field_set(archive, index, Self.paddingField, zip_uint16_t(ZIP_EXTRA_FIELD_NEW), zeros,
                                       zip_uint16_t(zeros.count), zip_flags_t(ZIP_FL_LOCAL)) == 0
        else { throw failure(what, zip_get_error(archive)) }
        offset += header + padding + bytes.count
    }

    /// The archive's bytes; the writer takes no more entries.
    func finish() throws -> Data {
        precondition(!closed, "ZipWriter: finish() called twice")
        closed = true
        guard zip_close(archive) == 0 else {
            let message = failure("cannot write the zip archive", zip_get_error(archive))
            zip_discard(archive)
            throw message
        }
        func unreadable() -> SerializationError { failure("cannot read the zip archive back", zip_source_error(source)) }
        guard zip_source_open(source) == 0 else { throw unreadable() }
        defer { zip_source_close(source) }
        let size = zip_source_seek(source, 0, SEEK_END) == 0 ? zip_source_tell(source) : -1
        guard size >= 0, zip_source_seek(source, 0, SEEK_SET) == 0 else { throw unreadable() }
        var data = Data(count: Int(size))
        let read = data.withUnsafeMutableBytes { raw -> Int64 in
            var total: Int64 = 0
            while total < size {
                let n = zip_source_read(source, raw.baseAddress! + Int(total), zip_uint64_t(size - total))
                guard n > 0 else { break }
                total += n
            }
            return total
        }
        guard read == size else { throw unreadable() }
        return data
    }
}

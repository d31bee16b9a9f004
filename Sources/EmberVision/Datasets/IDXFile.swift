import Foundation

/// An IDX file of unsigned bytes, MNIST's format: a big-endian header (the magic number
/// `0x0000_08NN`, where 08 means unsigned bytes and NN is the number of dimensions, then one
/// 32-bit size per dimension) followed by the values in row-major order. Files may be gzip
/// compressed. Everything is checked before it is trusted.
struct IDXFile {
    /// What the file should hold: MNIST images (3 dimensions) or labels (1).
    enum Kind {
        case images, labels

        var dimensionCount: Int { self == .images ? 3 : 1 }
        var magic: UInt32 { 0x0000_0800 | UInt32(dimensionCount) }

        func describe(_ dimensions: [Int]) -> String {
            self == .images ? "\(dimensions[0]) images of \(dimensions[1])×\(dimensions[2])" : "\(dimensions[0]) labels"
        }
    }

    /// The size of each dimension, e.g. `[60000, 28, 28]`.
    let dimensions: [Int]
    /// The largest image an IDX file may declare: PIL's decompression-bomb limit, far
    /// beyond any MNIST-format data set (28×28).
    static let maxImagePixels = 89_478_485
    /// The values after the header.
    let values: [UInt8]

    /// The file size an IDX header declares, once `prefix` holds the whole header (nil
    /// before that); just the header when it is not this kind's or its sizes overflow, which
    /// the checks below report.
    static func declaredSize(_ prefix: UnsafeBufferPointer<UInt8>, kind: Kind) -> Int? {
        let headerSize = 4 + 4 * kind.dimensionCount
        guard prefix.count >= headerSize else { return nil }
        let words = (0...kind.dimensionCount).map { i in prefix[(4 * i)..<(4 * i + 4)].reduce(0) { $0 << 8 | Int($1) } }
        guard words[0] == Int(kind.magic) else { return headerSize }
        var body = 1
        for dimension in words.dropFirst() {
            let (product, overflow) = body.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return headerSize }
            body = product
        }
        let (total, overflow) = headerSize.addingReportingOverflow(body)
        return overflow ? headerSize : total
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// Reads and checks the file at `path` (gzip if its name ends in `.gz`).
    init(path: String, kind: Kind) throws {
        var bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw DatasetError.io(path: path, reason: "cannot read the file: \(error.localizedDescription)")
        }
        if path.hasSuffix(".gz") {
            bytes = try Gzip.decompress(bytes, path: path) { prefix in Self.declaredSize(prefix, kind: kind) }
        }

        func requireHeader(of size: Int) throws {
            guard bytes.count >= size else {
                throw DatasetError.corrupt(path: path, reason: "the file holds \(bytes.count) bytes, too few for an IDX header of \(size) bytes (truncated?)")
            }
        }
        func word(_ index: Int) -> UInt32 {
            bytes[(4 * index)..<(4 * index + 4)].reduce(0) { $0 << 8 | UInt32($1) }
        }
        try requireHeader(of: 4)
        let magic = word(0)
        guard magic == kind.magic else {
            let hint = magic == Kind.images.magic ? " (this is an images file)"
                : magic == Kind.labels.magic ? " (this is a labels file)" : ""
            throw DatasetError.corrupt(path: path, reason: "wrong magic number \(Self.hex(magic)), expected \(Self.hex(kind.magic)) for IDX \(kind)\(hint)")
        }
        let headerSize = 4 + 4 * kind.dimensionCount
        try requireHeader(of: headerSize)
        let dimensions = (1...kind.dimensionCount).map { Int(word($0)) }
        if kind == .images && dimensions[1...].contains(0) {
            throw DatasetError.corrupt(path: path, reason: "the header declares empty images of \(dimensions[1])×\(dimensions[2])")
        }
        // Three 32-bit sizes can multiply past Int.max; no real file is that large. The size
        // of one item is checked on its own, so that zero items of an impossible size (whose
        // product is 0) are refused too.
        let (itemSize, itemOverflow) = dimensions.dropFirst().reduce((1, false)) { product, size in
            let (value, overflow) = product.0.multipliedReportingOverflow(by: size)
            return (value, product.1 || overflow)
        }
        if kind == .images && !itemOverflow && itemSize > Self.maxImagePixels {
            throw DatasetError.corrupt(path: path, reason: "the header declares images of \(dimensions[1])×\(dimensions[2]) pixels, more than the \(Self.maxImagePixels) an IDX image may have")
        }
        let (total, totalOverflow) = dimensions[0].multipliedReportingOverflow(by: itemSize)
        let (expected, overflow) = (total, itemOverflow || totalOverflow)
        let found = bytes.count - headerSize
        guard !overflow && found == expected else {
            let problem = found < expected || overflow ? "truncated: " : "too long: "
            let size = overflow ? "more bytes than any file holds" : "\(expected) bytes"
            throw DatasetError.corrupt(path: path, reason: problem
                + "the header declares \(kind.describe(dimensions)), \(size) after the \(headerSize)-byte header, but the file holds \(found)")
        }
        bytes.removeFirst(headerSize)
        self.dimensions = dimensions
        self.values = bytes
    }
}

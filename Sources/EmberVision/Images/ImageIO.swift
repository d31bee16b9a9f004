import Ember
import Foundation

/// Reading and writing image files: PNG and JPEG, told apart by their first bytes.
extension Image {
    /// PIL's decompression-bomb limit (`Image.MAX_IMAGE_PIXELS`, 89,478,485 pixels): larger
    /// images are refused from their header unless a larger `maxPixels` is passed.
    public static let defaultMaxPixels = 89_478_485

    /// Decodes the PNG or JPEG file at `url` (`PIL.Image.open(url)`), with its own channels:
    /// 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA). Use `rgb()` for what torchvision's
    /// image loader gives. Throws `ImageError` naming the file for anything that is not a
    /// whole, valid PNG or JPEG of at most `maxPixels` pixels.
    public init(contentsOf url: URL, maxPixels: Int = Image.defaultMaxPixels) throws {
        try self.init(data: Image.readFile(url), source: url.path, maxPixels: maxPixels)
    }

    /// The size a PNG or JPEG file's header gives, without decoding its pixels; throws the
    /// `ImageError` that decoding would for a file that is not an image, a damaged header or
    /// more than `maxPixels` pixels.
    public static func size(ofFileAt url: URL, maxPixels: Int = Image.defaultMaxPixels) throws -> (width: Int, height: Int) {
        let data = try readFile(url)
        guard let format = ImageFormat.detect(data) else { throw ImageError.notAnImage(file: url.path) }
        return try data.withUnsafeBytes { bytes in
            switch format {
            case .png: try PNGCodec.size(bytes, file: url.path, maxPixels: maxPixels)
            case .jpeg: try JPEGCodec.size(bytes, file: url.path, maxPixels: maxPixels)
            }
        }
    }

    private static func readFile(_ url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw ImageError.io(file: url.path, reason: "cannot read the file (\((error as NSError).localizedDescription))")
        }
    }

    /// Decodes PNG or JPEG bytes; `source` names them in errors.
    public init(data: Data, source: String = "<memory>", maxPixels: Int = Image.defaultMaxPixels) throws {
        _ = ImageMemory.configured
        guard let format = ImageFormat.detect(data) else { throw ImageError.notAnImage(file: source) }
        self = try data.withUnsafeBytes { bytes in
            switch format {
            case .png: try PNGCodec.decode(bytes, file: source, maxPixels: maxPixels)
            case .jpeg: try JPEGCodec.decode(bytes, file: source, maxPixels: maxPixels)
            }
        }
    }

    /// The image encoded as PNG (lossless; 1 to 4 channels).
    public func pngData() throws -> Data {
        Data(try PNGCodec.encode(self, file: "<memory>"))
    }

    /// The image encoded as JPEG with `quality` 1...100 (Pillow's default is 75); 1 or 3
    /// channels.
    public func jpegData(quality: Int = 75) throws -> Data {
        Data(try JPEGCodec.encode(self, quality: quality, file: "<memory>"))
    }

    /// Writes the image to `url` in `format` (from the file name when nil: `.png`, `.jpg`,
    /// `.jpeg`), atomically: an interrupted write leaves any previous file intact.
    public func write(to url: URL, format: ImageFormat? = nil, quality: Int = 75) throws {
        guard let format = format ?? ImageFormat(pathExtension: url.pathExtension) else {
            throw ImageError.unsupported(file: url.path, reason: "cannot tell the image format from the name; use .png or .jpg, or pass format:")
        }
        let bytes = switch format {
        case .png: try PNGCodec.encode(self, file: url.path)
        case .jpeg: try JPEGCodec.encode(self, quality: quality, file: url.path)
        }
        do {
            try AtomicFile.write(Data(bytes), to: url)
        } catch {
            throw ImageError.io(file: url.path, reason: "cannot write the image (\(error))")
        }
    }

    /// The image as 3-channel RGB, as PIL's `convert("RGB")` makes it: gray is repeated in
    /// each channel and alpha is dropped (not composited).
    public func rgb() -> Image {
        switch channels {
        case 3: return self
        case 1, 2:
            var out = [UInt8](repeating: 0, count: width * height * 3)
            for p in 0..<(width * height) {
                let v = pixels[p * channels]
                out[p * 3] = v; out[p * 3 + 1] = v; out[p * 3 + 2] = v
            }
            return Image(width: width, height: height, channels: 3, pixels: out)
        default:
            var out = [UInt8](repeating: 0, count: width * height * 3)
            for p in 0..<(width * height) {
                for c in 0..<3 { out[p * 3 + c] = pixels[p * channels + c] }
            }
            return Image(width: width, height: height, channels: 3, pixels: out)
        }
    }
}

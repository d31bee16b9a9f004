import CPNG

/// PNG through libpng's simplified `png_image` API. Pixels come out as the file holds them,
/// like PIL's modes: 1 channel (gray, also 1/2/4-bit and 16-bit gray), 2 (gray + alpha),
/// 3 (RGB, also palette files), 4 (RGBA, also palettes with transparency).
///
/// Two choices differ from a plain `png_image` read, so that pixels are PIL's:
/// - alpha is always read (compositing onto a background is what `png_image` does when
///   asked for no alpha; PIL just drops it in `convert("RGB")`);
/// - 16-bit samples are read as they are and scaled to 8 bits as `round(v / 257)`, where
///   `png_image` would treat them as linear light and re-encode them as sRGB. (PIL keeps
///   the high byte of 16-bit colour and clips 16-bit gray at 255; rounding is the
///   faithful 8-bit value of both.)
enum PNGCodec {
    /// The width and height the header gives, checked against `maxPixels`.
    static func size(_ bytes: UnsafeRawBufferPointer, file: String, maxPixels: Int) throws -> (width: Int, height: Int) {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        guard png_image_begin_read_from_memory(&image, bytes.baseAddress, bytes.count) != 0 else {
            throw ImageError.corrupt(file: file, reason: message(image))
        }
        try checkSize(width: Int(image.width), height: Int(image.height), file: file, maxPixels: maxPixels)
        return (Int(image.width), Int(image.height))
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, file: String, maxPixels: Int) throws -> Image {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_memory(&image, bytes.baseAddress, bytes.count) != 0 else {
            defer { png_image_free(&image) }
            throw ImageError.corrupt(file: file, reason: message(image))
        }
        defer { png_image_free(&image) }
        try checkSize(width: Int(image.width), height: Int(image.height), file: file, maxPixels: maxPixels)
        let fileFormat = image.format
        let alpha = fileFormat & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        let color = fileFormat & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        let sixteen = fileFormat & UInt32(PNG_FORMAT_FLAG_LINEAR) != 0
        image.format = (color ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0) | (alpha ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0)
            | (sixteen ? UInt32(PNG_FORMAT_FLAG_LINEAR) : 0)
        let channels = (color ? 3 : 1) + (alpha ? 1 : 0)
        let count = Int(image.width) * Int(image.height) * channels
        if sixteen {
            var samples = [UInt16](repeating: 0, count: count)
            let status = samples.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
            guard status != 0 else { throw ImageError.corrupt(file: file, reason: message(image)) }
            return Image(width: Int(image.width), height: Int(image.height), channels: channels,
                         pixels: eightBit(samples, channels: channels, alpha: alpha))
        }
        var pixels = [UInt8](repeating: 0, count: count)
        let status = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard status != 0 else { throw ImageError.corrupt(file: file, reason: message(image)) }
        return Image(width: Int(image.width), height: Int(image.height), channels: channels, pixels: pixels)
    }

    /// PNG bytes of a 1-, 2-, 3- or 4-channel image (gray, gray + alpha, RGB, RGBA).
    static func encode(_ image: Image, file: String) throws -> [UInt8] {
        guard (1...4).contains(image.channels) else {
            throw ImageError.unsupported(file: file, reason: "PNG holds 1 to 4 channels, not \(image.channels)")
        }
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        png.width = UInt32(image.width)
        png.height = UInt32(image.height)
        png.format = (image.channels >= 3 ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0)
            | (image.channels % 2 == 0 ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0)
        var size = 0
        let measured = image.pixels.withUnsafeBytes { png_image_write_to_memory(&png, nil, &size, 0, $0.baseAddress, 0, nil) }
        guard measured != 0 else { throw ImageError.unsupported(file: file, reason: message(png)) }
        var output = [UInt8](repeating: 0, count: size)
        let written = output.withUnsafeMutableBytes { out in
            image.pixels.withUnsafeBytes { png_image_write_to_memory(&png, out.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
        }
        guard written != 0 else { throw ImageError.unsupported(file: file, reason: message(png)) }
        return Array(output.prefix(size))
    }

    /// 16-bit samples as 8-bit, `round(v / 257)`. libpng hands over 16-bit data with alpha
    /// premultiplied; the colour is divided back out first.
    private static func eightBit(_ samples: [UInt16], channels: Int, alpha: Bool) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: samples.count)
        for p in stride(from: 0, to: samples.count, by: channels) {
            let a = alpha ? Int(samples[p + channels - 1]) : 65535
            for c in 0..<channels {
                var v = Int(samples[p + c])
                if alpha && c < channels - 1 { v = a == 0 ? 0 : Swift.min(65535, (v * 65535 + a / 2) / a) }
                pixels[p + c] = UInt8((v * 255 + 32767) / 65535)
            }
        }
        return pixels
    }

    private static func message(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

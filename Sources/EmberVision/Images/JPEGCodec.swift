import CTurboJPEG

/// JPEG through libjpeg-turbo's TurboJPEG API, the library Pillow decodes with: the same
/// accurate integer IDCT and "fancy" chroma upsampling, so pixels match PIL's.
enum JPEGCodec {
    /// The width and height the header gives, checked against `maxPixels`.
    static func size(_ bytes: UnsafeRawBufferPointer, file: String, maxPixels: Int) throws -> (width: Int, height: Int) {
        guard let handle = tjInitDecompress() else { throw ImageError.io(file: file, reason: "cannot start the JPEG decoder") }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(handle, bytes.bindMemory(to: UInt8.self).baseAddress, UInt(bytes.count),
                                  &width, &height, &subsampling, &colorspace) == 0 else {
            throw ImageError.corrupt(file: file, reason: message(handle))
        }
        try checkSize(width: Int(width), height: Int(height), file: file, maxPixels: maxPixels)
        return (Int(width), Int(height))
    }

    /// Decodes baseline or progressive JPEG to 1 channel (grayscale) or 3 (RGB; CMYK and
    /// YCCK files are converted as PIL's `convert("RGB")` does).
    static func decode(_ bytes: UnsafeRawBufferPointer, file: String, maxPixels: Int) throws -> Image {
        guard let handle = tjInitDecompress() else { throw ImageError.io(file: file, reason: "cannot start the JPEG decoder") }
        defer { tjDestroy(handle) }
        let source = bytes.bindMemory(to: UInt8.self).baseAddress!
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(handle, source, UInt(bytes.count), &width, &height, &subsampling, &colorspace) == 0 else {
            throw ImageError.corrupt(file: file, reason: message(handle))
        }
        try checkSize(width: Int(width), height: Int(height), file: file, maxPixels: maxPixels)
        let cmyk = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let (format, channels): (TJPF, Int) = colorspace == Int32(TJCS_GRAY.rawValue) ? (TJPF_GRAY, 1) : cmyk ? (TJPF_CMYK, 4) : (TJPF_RGB, 3)
        var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * channels)
        // LIMITSCANS refuses progressive files with absurd scan counts (a CPU bomb).
        let flags = Int32(TJFLAG_LIMITSCANS)
        let status = pixels.withUnsafeMutableBufferPointer { out in
            tjDecompress2(handle, source, UInt(bytes.count), out.baseAddress, width, 0, height, Int32(format.rawValue), flags)
        }
        // Warnings end the decode too, with the image filled in. Like PIL, take the image
        // despite most (extraneous bytes between markers, ...) but not a file cut short,
        // which PIL reports as "image file is truncated".
        if status != 0 {
            let reason = message(handle)
            if tjGetErrorCode(handle) != Int32(TJERR_WARNING.rawValue) || reason.contains("Premature end") {
                throw ImageError.corrupt(file: file, reason: reason)
            }
        }
        let image = Image(width: Int(width), height: Int(height), channels: channels, pixels: pixels)
        return cmyk ? rgbFromInvertedCMYK(image) : image
    }

    /// JPEG bytes of a 1- or 3-channel image with `quality` 1...100 and 4:2:0 chroma
    /// subsampling for colour, Pillow's defaults for `save(..., quality=q)`.
    static func encode(_ image: Image, quality: Int, file: String) throws -> [UInt8] {
        guard image.channels == 1 || image.channels == 3 else {
            throw ImageError.unsupported(file: file, reason: "JPEG holds 1 or 3 channels, not \(image.channels); convert with rgb() first")
        }
        guard (1...100).contains(quality) else {
            throw ImageError.unsupported(file: file, reason: "JPEG quality must be in 1...100, got \(quality)")
        }
        guard let handle = tjInitCompress() else { throw ImageError.io(file: file, reason: "cannot start the JPEG encoder") }
        defer { tjDestroy(handle) }
        let (format, subsampling) = image.channels == 1 ? (TJPF_GRAY, TJSAMP_GRAY) : (TJPF_RGB, TJSAMP_420)
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(handle, pixels.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(format.rawValue),
                        &output, &size, Int32(subsampling.rawValue), Int32(quality), 0)
        }
        defer { tjFree(output) }
        guard status == 0, let output else { throw ImageError.unsupported(file: file, reason: message(handle)) }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }

    private static func message(_ handle: tjhandle) -> String {
        String(cString: tjGetErrorStr2(handle))
    }

    /// PIL's CMYK to RGB: JPEG CMYK is stored inverted (Adobe's convention, which PIL
    /// assumes for every CMYK JPEG), then `v = (255 - k) - (255 - k) * c / 255` per channel.
    private static func rgbFromInvertedCMYK(_ image: Image) -> Image {
        var rgb = [UInt8](repeating: 0, count: image.width * image.height * 3)
        for p in 0..<(image.width * image.height) {
            let inkless = Int(image.pixels[p * 4 + 3])  // 255 - k of the inverted value
            for c in 0..<3 {
                let ink = 255 - Int(image.pixels[p * 4 + c])
                let t = ink * inkless + 128
                rgb[p * 3 + c] = UInt8(clamping: inkless - (((t >> 8) + t) >> 8))
            }
        }
        return Image(width: image.width, height: image.height, channels: 3, pixels: rgb)
    }
}

/// The size checks every decoder makes from the header, before allocating pixels.
func checkSize(width: Int, height: Int, file: String, maxPixels: Int) throws {
    guard width > 0, height > 0 else {
        throw ImageError.corrupt(file: file, reason: "the header gives a size of \(width)x\(height)")
    }
    let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
    guard !overflow, pixels <= maxPixels else {
        throw ImageError.tooLarge(file: file, width: width, height: height, limit: maxPixels)
    }
}

import CFuzzerDriver
import EmberVision
import Foundation

// libFuzzer target for `Image(data:)`: PNG and JPEG decoding of arbitrary bytes must either
// give an image or throw an `ImageError` — never trap, hang or allocate without bound.
// Build and run with Fuzz/run (see Fuzz/README.md).

let limit = 4_000_000  // pixels: a decoded image may not exceed this, as the guard promises

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Data(bytes: data!, count: size)
    do {
        let image = try Image(data: bytes, source: "fuzz", maxPixels: limit)
        precondition(image.width * image.height <= limit, "decoded past the pixel limit")
        _ = image.rgb()
    } catch is ImageError {
    } catch {
        preconditionFailure("untyped error \(error)")
    }
    return 0
}

ember_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, { fuzzOne($0, $1) }, "FuzzImageDecoder")

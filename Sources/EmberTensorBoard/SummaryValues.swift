import Ember
import EmberVision
import Foundation

/// The `Summary` protocol buffers of PyTorch's `torch.utils.tensorboard.summary`: one
/// value each, with the tags, plugin names and encodings PyTorch writes.
enum SummaryValues {
    static func scalar(_ tag: String, _ value: Double, newStyle: Bool, doublePrecision: Bool) -> Tensorboard_Summary {
        var entry = Tensorboard_Summary.Value()
        entry.tag = tag
        if newStyle {
            var tensor = Tensorboard_TensorProto()
            if doublePrecision {
                tensor.dtype = .dtDouble
                tensor.doubleVal = [value]
            } else {
                tensor.dtype = .dtFloat
                tensor.floatVal = [Float(value)]
            }
            entry.tensor = tensor
            entry.metadata.pluginData.pluginName = "scalars"
        } else {
            entry.simpleValue = Float(value)
        }
        return summary(entry)
    }

    static func histogram(_ tag: String, _ values: Tensor, bins: HistogramBins, maxBins: Int?) throws -> Tensorboard_Summary {
        let doubles = withNoGrad { values.detach().to(.float32).contiguous() }.toArray().map { Double($0) }
        var entry = Tensorboard_Summary.Value()
        entry.tag = tag
        entry.histo = try Histogram(values: doubles, bins: bins, maxBins: maxBins, tag: tag).proto
        return summary(entry)
    }

    static func text(_ tag: String, _ text: String) -> Tensorboard_Summary {
        var entry = Tensorboard_Summary.Value()
        entry.tag = tag + "/text_summary"
        entry.metadata.pluginData.pluginName = "text"
        var tensor = Tensorboard_TensorProto()
        tensor.dtype = .dtString
        tensor.stringVal = [Data(text.utf8)]
        var dim = Tensorboard_TensorShapeProto.Dim()
        dim.size = 1
        tensor.tensorShape.dim = [dim]
        entry.tensor = tensor
        return summary(entry)
    }

    static func image(_ tag: String, _ tensor: Tensor, dataformats: String) throws -> Tensorboard_Summary {
        let image = try pictureHWC(tag, tensor, dataformats: dataformats)
        var encoded = Tensorboard_Summary.Image()
        encoded.height = Int32(image.height)
        encoded.width = Int32(image.width)
        encoded.colorspace = Int32(image.channels)
        do {
            encoded.encodedImageString = try image.pngData()
        } catch {
            throw TensorBoardError.invalidValue(tag: tag, reason: "cannot encode the image as PNG (\(error))")
        }
        var entry = Tensorboard_Summary.Value()
        entry.tag = tag
        entry.image = encoded
        return summary(entry)
    }

    /// PyTorch's `convert_to_HWC` and scaling: the dimensions put in H, W, C order (a batch
    /// laid out by `gridWithoutPadding` first), one channel repeated into three, float
    /// values times 255, clipped to 0...255 and truncated.
    static func pictureHWC(_ tag: String, _ tensor: Tensor, dataformats: String) throws -> Image {
        let format = Array(dataformats.uppercased())
        func invalid(_ reason: String) -> TensorBoardError { .invalidValue(tag: tag, reason: reason) }
        guard Set(format).count == format.count else { throw invalid("dataformats '\(dataformats)' repeats a dimension") }
        guard format.count == tensor.ndim else {
            throw invalid("the tensor has shape \(tensor.shape) but dataformats '\(dataformats)' names \(format.count) dimensions")
        }
        func order(_ letters: String) throws -> [Int] {
            try letters.map { letter in
                guard let index = format.firstIndex(of: letter) else { throw invalid("dataformats '\(dataformats)' lacks \(letter)") }
                return index
            }
        }
        var hwc: Tensor = withNoGrad { tensor.detach().to(.float32) }
        switch format.count {
        case 4:
            let nchw = hwc.permute(try order("NCHW"))
            hwc = try gridWithoutPadding(nchw, tag: tag).permute(1, 2, 0)
        case 3:
            hwc = hwc.permute(try order("HWC"))
            if hwc.shape[2] == 1 { hwc = Tensor.cat([hwc, hwc, hwc], dim: 2) }
        case 2:
            hwc = hwc.permute(try order("HW")).unsqueeze(dim: 2)
            hwc = Tensor.cat([hwc, hwc, hwc], dim: 2)
        default:
            throw invalid("expected 2, 3 or 4 dimensions, got shape \(tensor.shape)")
        }
        let (height, width, channels) = (hwc.shape[0], hwc.shape[1], hwc.shape[2])
        guard [3, 4].contains(channels), height > 0, width > 0 else {
            throw invalid("an image needs 1, 3 or 4 channels and a positive size, got \(height)×\(width)×\(channels)")
        }
        let pixels = (hwc * 255).contiguous().toArray().map { value -> UInt8 in
            value.isNaN ? 0 : UInt8(Swift.min(Swift.max(value, 0), 255))
        }
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// PyTorch's summary-side `make_grid`: up to eight images per row on a zero canvas, no
    /// padding; one channel repeated into three.
    private static func gridWithoutPadding(_ nchw: Tensor, tag: String) throws -> Tensor {
        var batch = nchw
        if batch.shape[1] == 1 { batch = Tensor.cat([batch, batch, batch], dim: 1) }
        guard batch.shape[1] == 3 else {
            throw TensorBoardError.invalidValue(tag: tag, reason: "a batch of images needs 1 or 3 channels, got \(nchw.shape[1])")
        }
        let (count, h, w) = (batch.shape[0], batch.shape[2], batch.shape[3])
        guard count > 0 else { throw TensorBoardError.invalidValue(tag: tag, reason: "the batch holds no image") }
        let columns = Swift.min(count, 8), rows = (count + columns - 1) / columns
        let canvas = Tensor.zeros([3, h * rows, w * columns])
        for k in 0..<count {
            canvas.narrow(dim: 1, start: (k / columns) * h, length: h).narrow(dim: 2, start: (k % columns) * w, length: w)
                .copy(from: batch[k])
        }
        return canvas
    }

    private static func summary(_ value: Tensorboard_Summary.Value) -> Tensorboard_Summary {
        var summary = Tensorboard_Summary()
        summary.value = [value]
        return summary
    }
}

import Foundation
import Testing
@testable import Ember

/// Golden values of `Tests/Fixtures/generate_conv.py` (see its docstring for the keys) and
/// the layers of its cases, built with the same arguments.
enum ConvFixtures {
    static let tensors: [String: Tensor] = Fixtures.load("conv.safetensors")

    /// PyTorch's repr of each case's layer.
    static let reprs: [String: String] = {
        let url = Fixtures.folder.appendingPathComponent("conv.safetensors")
        guard let json = try? SafeTensors.metadata(from: url)["expected"],
              let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String]
        else { fatalError("conv.safetensors lacks its 'expected' metadata") }
        return object
    }()

    /// Mirrors CONV_CASES and TRANSPOSE_CASES.
    static let layers: [String: @Sendable () -> Module] = [
        "basic": { Conv2d(3, 4, kernelSize: 3) },
        "stride2_pad1": { Conv2d(3, 4, kernelSize: 3, stride: 2, padding: 1) },
        "pairs": { Conv2d(2, 3, kernelSize: [3, 2], stride: [2, 1], padding: [1, 2], dilation: [1, 2]) },
        "same_even": { Conv2d(2, 3, kernelSize: 4, padding: .same) },
        "same_dilated": { Conv2d(2, 3, kernelSize: [3, 2], padding: .same, dilation: 2) },
        "valid": { Conv2d(2, 3, kernelSize: 3, padding: .valid) },
        "reflect": { Conv2d(2, 3, kernelSize: 3, padding: 1, paddingMode: .reflect) },
        "replicate": { Conv2d(2, 3, kernelSize: 3, padding: [2, 1], paddingMode: .replicate) },
        "circular": { Conv2d(2, 3, kernelSize: 3, stride: 2, padding: 2, paddingMode: .circular) },
        "reflect_same": { Conv2d(2, 3, kernelSize: 4, padding: .same, paddingMode: .reflect) },
        "dilation": { Conv2d(2, 3, kernelSize: 3, padding: 1, dilation: 2) },
        "groups": { Conv2d(4, 6, kernelSize: 3, padding: 1, groups: 2) },
        "depthwise": { Conv2d(4, 8, kernelSize: 3, stride: 2, padding: 1, groups: 4) },
        "pointwise": { Conv2d(4, 5, kernelSize: 1) },
        "pointwise_groups": { Conv2d(4, 6, kernelSize: 1, groups: 2, bias: false) },
        "strided_1x1": { Conv2d(3, 4, kernelSize: 1, stride: 2) },
        "odd": { Conv2d(3, 5, kernelSize: [5, 3], stride: [3, 2], padding: [2, 0]) },
        "nobias": { Conv2d(3, 2, kernelSize: 3, bias: false) },
        "batch1": { Conv2d(3, 4, kernelSize: 3, padding: 1) },
        "unbatched": { Conv2d(3, 4, kernelSize: 3, padding: 1) },
        "wide": { Conv2d(16, 16, kernelSize: 3, padding: 1) },
        "wide_strided": { Conv2d(16, 32, kernelSize: 3, stride: 2, padding: 1) },
        "t_basic": { ConvTranspose2d(3, 2, kernelSize: 3) },
        "t_stride": { ConvTranspose2d(3, 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1) },
        "t_groups": { ConvTranspose2d(4, 6, kernelSize: [3, 2], stride: [2, 1], padding: [1, 0], groups: 2) },
        "t_dilation": { ConvTranspose2d(2, 3, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, dilation: 2) },
        "t_outpad_dilation": { ConvTranspose2d(2, 2, kernelSize: 3, outputPadding: 1, dilation: 2) },
        "t_pointwise": { ConvTranspose2d(4, 3, kernelSize: 1, bias: false) },
        "t_unbatched": { ConvTranspose2d(3, 2, kernelSize: 2, stride: 2) },
        "t_wide": { ConvTranspose2d(16, 16, kernelSize: 4, stride: 2, padding: 1) },
    ]

    static subscript(key: String) -> Tensor {
        guard let tensor = tensors[key] else { fatalError("conv.safetensors has no tensor \(key)") }
        return tensor
    }
}

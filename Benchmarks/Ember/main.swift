import EmberVision
import Foundation

// Ember's side of the benchmark pairs in Benchmarks/pytorch/bench.py. Protocol: one line
// per workload, `NAME<TAB>MEDIAN_SECONDS_PER_ITERATION`; logs go to stderr.

struct Workload {
    let name: String
    /// Iterations per timed repetition, so each repetition takes a measurable while.
    let iterations: Int
    /// Builds the inputs once and returns the step to time.
    let prepare: () -> () -> Void
}

func sgemm(_ m: Int, _ k: Int, _ n: Int, iterations: Int) -> Workload {
    Workload(name: m == k && k == n ? "sgemm_\(m)" : "sgemm_\(m)x\(k)x\(n)", iterations: iterations) {
        let a = Tensor.randn([m, k]), b = Tensor.randn([k, n])
        return { _ = a.matmul(b) }
    }
}

/// One SGD step of `makeModel()` on a batch of `batch` inputs of `shape` with labels below
/// `classes`, as in the tutorial's training loop.
func trainStep(_ name: String, iterations: Int, shape: [Int], momentum: Float = 0, batch: Int = 64, classes: Int = 10,
               lr: Float = 0.01, _ makeModel: @escaping () -> Module) -> Workload {
    Workload(name: name, iterations: iterations) {
        let model = makeModel().train()
        let optimizer = SGD(model.parameters(), lr: lr, momentum: momentum)
        let lossFunction = CrossEntropyLoss()
        let x = Tensor.randn([batch] + shape), y = Tensor.randint(0, classes, [batch])
        return {
            let loss = lossFunction(model(x), y)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
        }
    }
}

/// The forward pass of `makeModel()` on a batch of 64 inputs of `shape` in eval mode,
/// without autograd.
func evalPass(_ name: String, iterations: Int, shape: [Int], _ makeModel: @escaping () -> Module) -> Workload {
    Workload(name: name, iterations: iterations) {
        let model = makeModel().eval()
        let x = Tensor.randn([64] + shape)
        return { withNoGrad { _ = model(x) } }
    }
}

/// Forward and backward (input and weight gradients) of `layer` on `input`, as inside a
/// training step: the output gradient is a fixed random tensor.
func layerStep(_ name: String, iterations: Int, input: [Int], _ layer: @escaping () -> Module) -> Workload {
    Workload(name: name, iterations: iterations) {
        let module = layer()
        let x = Tensor.randn(input)
        x.requiresGrad = true
        let gradient = Tensor.randn(module(x).shape)
        return {
            module(x).backward(gradient: gradient)
            x.grad = nil
            module.zeroGrad()
        }
    }
}

let sixteenM = 16_777_216
var workloads: [Workload] = [
    sgemm(64, 784, 300, iterations: 200),
    sgemm(256, 256, 256, iterations: 200),
    sgemm(1024, 1024, 1024, iterations: 3),
] + TutorialMLP.allCases.map { kind in
    trainStep("mlp_\(kind.rawValue)_train", iterations: 300, shape: [784]) { kind.make() }
} + TutorialMLP.allCases.map { kind in
    evalPass("mlp_\(kind.rawValue)_eval", iterations: 1000, shape: [784]) { kind.make() }
} + [
    // SimpleCNN with SGD momentum 0.9, as `ember train cnn`.
    trainStep("cnn_1x28_train", iterations: 20, shape: [1, 28, 28], momentum: 0.9) {
        SimpleCNN(inChannels: 1, imageSize: 28)
    },
    evalPass("cnn_1x28_eval", iterations: 50, shape: [1, 28, 28]) { SimpleCNN(inChannels: 1, imageSize: 28) },
    trainStep("cnn_3x32_train", iterations: 20, shape: [3, 32, 32], momentum: 0.9) { SimpleCNN() },
    evalPass("cnn_3x32_eval", iterations: 50, shape: [3, 32, 32]) { SimpleCNN() },
    // ResNet18's layer1 convolution.
    Workload(name: "resnet_conv_forward", iterations: 10) {
        let conv = Conv2d(64, 64, kernelSize: 3, padding: 1, bias: false)
        let x = Tensor.randn([16, 64, 56, 56])
        return { withNoGrad { _ = conv(x) } }
    },
    layerStep("resnet_conv_train", iterations: 5, input: [16, 64, 56, 56]) {
        Conv2d(64, 64, kernelSize: 3, padding: 1, bias: false)
    },
    // DCGAN's batch norm (train mode) and max pooling as in SimpleCNN's first block.
    layerStep("batchnorm2d_train", iterations: 10, input: [64, 64, 32, 32]) { BatchNorm2d(64) },
    layerStep("maxpool2d_train", iterations: 20, input: [64, 32, 28, 28]) { MaxPool2d(kernelSize: 2) },
    // DCGAN's generator (ngf 64, batch 64): a middle block and the 3-channel output layer.
    layerStep("dcgan_convt_mid_train", iterations: 5, input: [64, 128, 16, 16]) {
        ConvTranspose2d(128, 64, kernelSize: 4, stride: 2, padding: 1, bias: false)
    },
    layerStep("dcgan_convt_out_train", iterations: 5, input: [64, 64, 32, 32]) {
        ConvTranspose2d(64, 3, kernelSize: 4, stride: 2, padding: 1, bias: false)
    },

    Workload(name: "add_16M", iterations: 5) {
        let a = Tensor.randn([sixteenM]), b = Tensor.randn([sixteenM])
        return { _ = a + b }
    },
    Workload(name: "relu_16M", iterations: 5) {
        let a = Tensor.randn([sixteenM])
        return { _ = a.relu() }
    },
    Workload(name: "tanh_16M", iterations: 5) {
        let a = Tensor.randn([sixteenM])
        return { _ = a.tanh() }
    },
    Workload(name: "sum_16M", iterations: 10) {
        let a = Tensor.randn([sixteenM])
        return { _ = a.sum() }
    },
]

/// One iteration of a GAN as in the fixtures (`GANTraining`, BCE, Adam 2e-4 with betas
/// (0.5, 0.999) per net): a discriminator step on a fixed batch of 64 "real" images and on
/// fakes from fresh noise, then a generator step on fresh noise.
func ganIteration(_ name: String, iterations: Int, real: [Int], noise: [Int],
                  _ makeNets: @escaping () -> (Module, Module)) -> Workload {
    Workload(name: name, iterations: iterations) {
        let (generator, discriminator) = makeNets()
        let gan = GANTraining(generator: generator, discriminator: discriminator)
        let x = Tensor.randn(real)
        return {
            gan.discriminatorStep(real: x, noise: Tensor.randn(noise))
            gan.generatorStep(noise: Tensor.randn(noise))
        }
    }
}

workloads += [
    ganIteration("mlp_gan_iter_b64", iterations: 50, real: [64, 784], noise: [64, 100]) {
        (GANGenerator(), GANDiscriminator())
    },
    ganIteration("dcgan28_iter_b64", iterations: 5, real: [64, 1, 28, 28], noise: [64, 100, 1, 1]) {
        (DCGANGenerator28().apply(dcganWeightsInit), DCGANDiscriminator28().apply(dcganWeightsInit))
    },
    ganIteration("dcgan64_iter_b64", iterations: 1, real: [64, 3, 64, 64], noise: [64, 100, 1, 1]) {
        (DCGANGenerator().apply(dcganWeightsInit), DCGANDiscriminator().apply(dcganWeightsInit))
    },
    // The tutorial's autoencoder: MSE against the input, Adam lr 1e-3, weight decay 1e-5.
    Workload(name: "autoencoder_step_b64", iterations: 100) {
        let model = Autoencoder()
        let optimizer = Adam(model.parameters(), lr: 1e-3, weightDecay: 1e-5)
        let x = Tensor.randn([64, 784])
        return { model.trainStep(x, optimizer: optimizer) }
    },
]

/// An ImageFolder root of one class holding the photo crops `copies` times (symbolic
/// links), the same folder the PyTorch side builds.
func photoFolder(copies: Int = 2) throws -> URL {
    let photos = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("../shared/data/photo-crops").standardizedFileURL
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("ember-bench-photos")
    let folder = root.appendingPathComponent("photos")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for name in try FileManager.default.contentsOfDirectory(atPath: photos.path).sorted() where name.hasSuffix(".jpg") {
        for copy in 0..<copies {
            let link = folder.appendingPathComponent("\(copy).\(name)")
            if (try? link.checkResourceIsReachable()) != true {
                try FileManager.default.createSymbolicLink(at: link, withDestinationURL: photos.appendingPathComponent(name))
            }
        }
    }
    return root
}

/// One epoch of ImageFolder + DataLoader (batch 64, 2 workers) over the photo crops with
/// the evaluation transform (Resize(256), CenterCrop(224)) or the training one
/// (RandomResizedCrop(224), RandomHorizontalFlip), then ToTensor and Normalize.
func imagePipeline(_ name: String, train: Bool) -> Workload {
    Workload(name: name, iterations: 1) {
        let normalize = Normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
        let transform: any Transform<Image, Tensor> = train
            ? Compose<Image, Tensor>([RandomResizedCrop(224), RandomHorizontalFlip(), ToTensor(), normalize])
            : Compose<Image, Tensor>([Resize(256), CenterCrop(224), ToTensor(), normalize])
        let dataset: ImageFolder
        do { dataset = try ImageFolder(root: photoFolder(), transform: transform) } catch {
            fatalError("images workloads need ../shared/data/photo-crops: \(error)")
        }
        let loader = DataLoader(dataset, batchSize: 64, shuffle: train, numWorkers: 2)
        return { try! loader.forEachBatch { _ in } }
    }
}

workloads += [imagePipeline("images_eval_epoch", train: false), imagePipeline("images_train_epoch", train: true)]

/// A zoo model's forward pass in eval mode without autograd on `batch` 224×224 images.
func zooEval(_ name: String, batch: Int, iterations: Int) -> Workload {
    Workload(name: "\(name)_eval_b\(batch)", iterations: iterations) {
        let model = try! ModelZoo.model(name).eval()
        let x = Tensor.randn([batch, 3, 224, 224])
        return { withNoGrad { _ = model(x) } }
    }
}

// ResNet18 fine-tuned with a new 2-class head (the tutorial's part 1 §3.4): every parameter
// trained, SGD lr 0.001 momentum 0.9.
let resnet18Finetune = trainStep("resnet18_finetune_b16", iterations: 2, shape: [3, 224, 224], momentum: 0.9,
                                 batch: 16, classes: 2, lr: 0.001) {
    let model = resnet18()
    model.fc = Linear(model.fc.inFeatures, 2)
    return model
}

// ResNet18 pretrained on the 32×32 case-study images (R2's pretraining step): 8 classes, SGD
// lr 0.01 momentum 0.9, batch 64.
let resnet18Small = trainStep("resnet18_train_b64_32", iterations: 3, shape: [3, 32, 32], momentum: 0.9,
                              batch: 64, classes: 8, lr: 0.01) { resnet18(numClasses: 8) }

workloads += [zooEval("resnet18", batch: 16, iterations: 3), resnet18Finetune, resnet18Small, zooEval("vgg16", batch: 8, iterations: 2),
              zooEval("mobilenet_v2", batch: 16, iterations: 3), zooEval("densenet121", batch: 8, iterations: 2)]

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

var arguments = Array(CommandLine.arguments.dropFirst())
var threads = ProcessInfo.processInfo.activeProcessorCount
var repeats = 7
// `--steps S`: S untimed iterations, no output but the allocator's figures on stderr
// (Benchmarks/memory/peak_rss.py measures peak memory this way; S = 0 builds only).
var untimedSteps: Int?
var selected: [String] = []
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--threads": threads = Int(arguments.removeFirst()) ?? threads
    case "--repeat": repeats = Int(arguments.removeFirst()) ?? repeats
    case "--steps": untimedSteps = Int(arguments.removeFirst())
    default: selected.append(argument)
    }
}
setNumThreads(threads)
manualSeed(0)

for workload in workloads where selected.isEmpty || selected.contains(workload.name) {
    let step = workload.prepare()
    if let untimedSteps {
        for _ in 0..<untimedSteps { step() }
        let stats = memoryStats()
        let mb = { (bytes: Int) in String(format: "%.0f MB", Double(bytes) / 1e6) }
        FileHandle.standardError.write(Data(("\(workload.name): allocator peak \(mb(stats.peakBytes)) "
            + "(live \(mb(stats.inUseAtPeakBytes)), cached \(mb(stats.cachedAtPeakBytes))), "
            + "peak live \(mb(stats.peakInUseBytes)); now live \(mb(stats.inUseBytes)), cached \(mb(stats.cachedBytes))\n").utf8))
        continue
    }
    for _ in 0..<max(1, workload.iterations / 2) { step() }  // warm-up: caches, buffer pool
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<workload.iterations { step() }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        times.append(elapsed / Double(workload.iterations))
    }
    // One write per line, so the runner sees each result as soon as it is measured.
    FileHandle.standardOutput.write(Data("\(workload.name)\t\(median(times))\n".utf8))
}

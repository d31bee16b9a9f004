/// Where an MNIST-format data set comes from: its name, download mirrors, files with their
/// MD5 checksums (torchvision's lists) and class names. `MNISTFormatDataset` is generic
/// over it, so `MNIST` and `FashionMNIST` share one implementation.
public protocol MNISTSource: Sendable {
    /// The data set's name, also the folder torchvision downloads into (`root/NAME/raw`).
    static var name: String { get }
    /// Base URLs tried in order.
    static var mirrors: [String] { get }
    /// The gzip files to download and their MD5 checksums.
    static var resources: [(file: String, md5: String)] { get }
    /// The class names, indexed by label.
    static var classes: [String] { get }
}

/// Yann LeCun's handwritten digits (`torchvision.datasets.MNIST`).
public enum MNISTDigitsSource: MNISTSource {
    /// `MNIST`, the folder name under `root` (`root/MNIST/raw`).
    public static let name = "MNIST"
    /// torchvision's download mirrors, tried in order.
    public static let mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]
    /// The four gzip files with their MD5 checksums.
    public static let resources = [
        (file: "train-images-idx3-ubyte.gz", md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        (file: "train-labels-idx1-ubyte.gz", md5: "d53e105ee54ea40749a09fcbcd1e9432"),
        (file: "t10k-images-idx3-ubyte.gz", md5: "9fb629c4189551a2d022fa330f9573f3"),
        (file: "t10k-labels-idx1-ubyte.gz", md5: "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    /// torchvision's class names, indexed by label.
    public static let classes = [
        "0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
        "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine",
    ]
}

/// Zalando's Fashion-MNIST (`torchvision.datasets.FashionMNIST`).
public enum FashionMNISTSource: MNISTSource {
    /// `FashionMNIST`, the folder name under `root` (`root/FashionMNIST/raw`).
    public static let name = "FashionMNIST"
    /// torchvision's download mirrors, tried in order.
    public static let mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    /// The four gzip files with their MD5 checksums.
    public static let resources = [
        (file: "train-images-idx3-ubyte.gz", md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        (file: "train-labels-idx1-ubyte.gz", md5: "25c81989df183df01b3e8a0aad5dffbe"),
        (file: "t10k-images-idx3-ubyte.gz", md5: "bef4ecab320f06d8554ea6380940ec79"),
        (file: "t10k-labels-idx1-ubyte.gz", md5: "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    /// torchvision's class names, indexed by label.
    public static let classes = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]
}

/// The handwritten digits: `try MNIST(root: "data", train: true, transform: ...)`.
public typealias MNIST = MNISTFormatDataset<MNISTDigitsSource>

/// Fashion-MNIST: `try FashionMNIST(root: FashionMNIST.debianRoot, ...)`.
public typealias FashionMNIST = MNISTFormatDataset<FashionMNISTSource>

extension MNISTFormatDataset where Source == FashionMNISTSource {
    /// Where Debian's `dataset-fashion-mnist` package installs the gzip files.
    public static var debianRoot: String { "/usr/share/datasets/fashion-mnist" }
}

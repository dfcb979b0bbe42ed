import Foundation

extension Loaders {
    /// Which half of a dataset that ships as a fixed train/test pair.
    public enum Split: String, Sendable, CaseIterable {
        case train, test
    }

    /// The Fashion-MNIST classes, in label order.
    public static let fashionMNISTClassNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// Where Debian's `dataset-fashion-mnist` package installs the four gzip'd IDX files, then
    /// places a hand install commonly uses; the first directory holding the split wins.
    public static let fashionMNISTDirectories = [
        "/usr/share/datasets/fashion-mnist",
        "/usr/local/share/datasets/fashion-mnist",
    ]

    /// Fashion-MNIST (60,000 train or 10,000 test images, [28, 28, 1], 10 classes) from
    /// `directory`, or else from `fashionMNISTDirectories`. Files may be plain or `.gz`.
    public static func fashionMNIST(directory: String? = nil, split: Split = .train) throws -> Dataset {
        let prefix = split == .train ? "train" : "t10k"
        let imagesFile = "\(prefix)-images-idx3-ubyte"
        let labelsFile = "\(prefix)-labels-idx1-ubyte"
        let directories = directory.map { [$0] } ?? fashionMNISTDirectories
        for directory in directories {
            for suffix in [".gz", ""] {
                let images = (directory as NSString).appendingPathComponent(imagesFile + suffix)
                guard FileManager.default.fileExists(atPath: images) else { continue }
                let labels = (directory as NSString).appendingPathComponent(labelsFile + suffix)
                var dataset = try idx(images: images, labels: labels, classNames: fashionMNISTClassNames)
                dataset.name = "fashion-mnist/\(split.rawValue)"
                return dataset
            }
        }
        throw DataError(path: nil, "Fashion-MNIST \(split.rawValue) split not found: looked for \(imagesFile)[.gz] in \(directories.joined(separator: ", ")); install it with: apt-get install dataset-fashion-mnist")
    }
}

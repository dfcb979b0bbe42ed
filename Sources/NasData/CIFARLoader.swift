import Foundation

extension Loaders {
    /// The CIFAR-10 classes, in label order.
    public static let cifar10ClassNames = [
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
    ]

    /// CIFAR-10 binary batches (`data_batch_1.bin` ... `test_batch.bin`), concatenated in the
    /// order given. Each record is 1 label byte then 3072 pixel bytes stored planar (1024 red,
    /// 1024 green, 1024 blue, each 32×32 row-major); they are interleaved here into [32, 32, 3]
    /// with values in 0...1. Without `classNames` the CIFAR-10 names are used.
    public static func cifar10(files: [String], classNames: [String]? = nil) throws -> Dataset {
        guard !files.isEmpty else {
            throw DataError(path: nil, "CIFAR-10: expected at least one batch file, found none")
        }
        let names = classNames ?? cifar10ClassNames
        let plane = 32 * 32
        let recordSize = 1 + 3 * plane
        var inputs: [Float] = []
        var labels: [Int32] = []
        var scale = [Float](repeating: 0, count: 256)
        for k in 0..<256 { scale[k] = Float(k) / 255 }

        for path in files {
            let data = try readBytes(path)
            guard !data.isEmpty, data.count % recordSize == 0 else {
                throw DataError(path: path, "expected a whole number of \(recordSize)-byte CIFAR-10 records (1 label byte + 3072 pixel bytes), found \(data.count) bytes (\(data.count / recordSize) records and \(data.count % recordSize) bytes over)")
            }
            let records = data.count / recordSize
            let firstSample = labels.count
            inputs.append(contentsOf: repeatElement(0, count: records * 3 * plane))
            labels.append(contentsOf: repeatElement(0, count: records))
            try data.withUnsafeBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                try scale.withUnsafeBufferPointer { scale in
                    try inputs.withUnsafeMutableBufferPointer { out in
                        for r in 0..<records {
                            let record = r * recordSize
                            let label = Int(bytes[record])
                            guard label < names.count else {
                                throw DataError(path: path, "record \(r): label \(label) is out of range: expected 0..<\(names.count) for \(names.count) class names")
                            }
                            labels[firstSample + r] = Int32(label)
                            let base = (firstSample + r) * 3 * plane
                            for p in 0..<plane {
                                out[base + 3 * p] = scale[Int(bytes[record + 1 + p])]
                                out[base + 3 * p + 1] = scale[Int(bytes[record + 1 + plane + p])]
                                out[base + 3 * p + 2] = scale[Int(bytes[record + 1 + 2 * plane + p])]
                            }
                        }
                    }
                }
            }
        }
        let name = files.count == 1 ? datasetName(files[0]) : "cifar10"
        return Dataset(name: name, sampleShape: [32, 32, 3], inputs: inputs, labels: labels, classNames: names)
    }
}

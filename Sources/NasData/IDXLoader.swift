import Foundation

extension Loaders {
    /// MNIST-style IDX files: an images file (magic 0x00000803: unsigned bytes, 3 dimensions
    /// count × rows × cols) and a labels file (magic 0x00000801: count unsigned bytes), either
    /// possibly gzip-compressed (`.gz`). Pixels are scaled to 0...1; samples are [rows, cols, 1].
    /// Without `classNames` the classes are named "0", "1", ... up to the largest label.
    public static func idx(images: String, labels: String, classNames: [String]? = nil) throws -> Dataset {
        let (imagesPath, labelsPath) = (images, labels)
        let imageData = try readBytes(imagesPath)
        let labelData = try readBytes(labelsPath)
        let imageDims = try idxDimensions(imageData, path: imagesPath, magic: 0x0000_0803, what: "unsigned-byte images")
        let labelDims = try idxDimensions(labelData, path: labelsPath, magic: 0x0000_0801, what: "unsigned-byte labels")
        let (count, rows, cols) = (imageDims[0], imageDims[1], imageDims[2])
        guard rows > 0, cols > 0 else {
            throw DataError(path: imagesPath, "expected images of at least 1×1 pixels, found \(rows)×\(cols)")
        }
        guard labelDims[0] == count else {
            throw DataError(path: labelsPath, "expected \(count) labels, one per image in \(imagesPath), found \(labelDims[0])")
        }

        let pixels = count * rows * cols
        // One table lookup per byte: exact k/255 values, and faster than converting and dividing.
        var scale = [Float](repeating: 0, count: 256)
        for k in 0..<256 { scale[k] = Float(k) / 255 }
        let inputs = imageData.withUnsafeBytes { raw in
            scale.withUnsafeBufferPointer { scale in
                [Float](unsafeUninitializedCapacity: pixels) { out, initialized in
                    let bytes = raw.bindMemory(to: UInt8.self)
                    for i in 0..<pixels { out[i] = scale[Int(bytes[16 + i])] }
                    initialized = pixels
                }
            }
        }

        var labels = [Int32](repeating: 0, count: count)
        labelData.withUnsafeBytes { raw in
            for i in 0..<count { labels[i] = Int32(raw[8 + i]) }
        }
        let names = try classNames ?? numberedClassNames(labels, path: labelsPath)
        if let bad = labels.firstIndex(where: { Int($0) >= names.count }) {
            throw DataError(path: labelsPath, "label \(labels[bad]) of sample \(bad) is out of range: expected 0..<\(names.count) for \(names.count) class names")
        }
        return Dataset(name: datasetName(imagesPath), sampleShape: [rows, cols, 1], inputs: inputs, labels: labels, classNames: names)
    }

    /// Checks the magic number and the exact file size, returning the dimensions. The size check
    /// catches truncated downloads and mixed-up files before any value is read.
    private static func idxDimensions(_ data: Data, path: String, magic: UInt32, what: String) throws -> [Int] {
        let rank = Int(magic & 0xFF)
        let headerSize = 4 + 4 * rank
        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> [Int] in
            func bigEndian(_ offset: Int) -> UInt32 {
                UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            }
            // The magic number first: a wrong file is more likely than a cut-off header.
            guard raw.count >= 4 else {
                throw DataError(path: path, "truncated header: expected a 4-byte magic number (\(hex(magic)) for \(what)), found \(raw.count) bytes")
            }
            let found = bigEndian(0)
            guard found == magic else {
                let gzipHint = raw[0] == 0x1F && raw[1] == 0x8B ? " (the file is gzip-compressed: give it a .gz name)" : ""
                throw DataError(path: path, "bad magic number \(hex(found)) (expected \(hex(magic)) for \(what))\(gzipHint)")
            }
            guard raw.count >= headerSize else {
                throw DataError(path: path, "truncated header: expected at least \(headerSize) bytes for \(what), found \(raw.count)")
            }
            let dims = (0..<rank).map { Int(bigEndian(4 + 4 * $0)) }
            let shape = dims.map(String.init).joined(separator: "×")
            guard let values = checkedProduct(dims) else {
                throw DataError(path: path, "header dimensions \(shape) are too large to load")
            }
            let expected = headerSize + values
            guard data.count == expected else {
                let problem = data.count < expected ? "truncated" : "trailing bytes"
                throw DataError(path: path, "\(problem): expected \(expected) bytes (\(headerSize)-byte header + \(shape) values), found \(data.count)")
            }
            return dims
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}

import Foundation

extension Loaders {
    /// A pair of NumPy `.npy` files (format versions 1.0, 2.0 and 3.0): inputs of shape
    /// (count, ...) and labels of shape (count,) or (count, 1). Samples take the inputs' shape
    /// after the first axis, or [1] for a 1-D inputs array.
    ///
    /// Inputs may be little-endian float32 ('<f4'), float64 ('<f8', narrowed to Float) or
    /// uint8 ('|u1', scaled to 0...1 like IDX and CIFAR pixels, since uint8 arrays are images
    /// in practice). Labels may be int64, int32 or uint8 class indices; classes are named "0",
    /// "1", ... up to the largest. Only C-order arrays are read: a Fortran-order array would
    /// need a transpose that silently doubles memory, so it is refused with a hint instead.
    public static func npy(inputs: String, labels: String) throws -> Dataset {
        let inputArray = try NPYArray(path: inputs, allowed: [.float32, .float64, .uint8], role: "inputs")
        let labelArray = try NPYArray(path: labels, allowed: [.int64, .int32, .uint8], role: "labels")
        guard let count = inputArray.shape.first else {
            throw DataError(path: inputs, "expected an array with a sample axis first, found a 0-dimensional array")
        }
        guard labelArray.shape.count == 1 || (labelArray.shape.count == 2 && labelArray.shape[1] == 1) else {
            throw DataError(path: labels, "expected labels of shape (\(count),), found \(NPYArray.describe(labelArray.shape))")
        }
        guard labelArray.shape[0] == count else {
            throw DataError(path: labels, "expected \(count) labels, one per sample in \(inputs), found \(labelArray.shape[0])")
        }

        let labelValues = labelArray.integers()
        var labelsOut = [Int32](repeating: 0, count: count)
        for (i, value) in labelValues.enumerated() {
            guard value >= 0, value <= Int64(Int32.max) else {
                throw DataError(path: labels, "label \(value) at index \(i) is not a class index: expected 0...\(Int32.max)")
            }
            labelsOut[i] = Int32(value)
        }
        let sampleShape = inputArray.shape.count > 1 ? Array(inputArray.shape.dropFirst()) : [1]
        guard sampleShape.allSatisfy({ $0 > 0 }) else {
            throw DataError(path: inputs, "expected samples with at least one value, found sample shape \(NPYArray.describe(sampleShape))")
        }
        // uint8 inputs become four times their size as floats.
        let floatBytes = Double(inputArray.elementCount) * 4
        guard floatBytes <= MemoryLimit.bytes else {
            throw DataError(path: inputs, "holds \(inputArray.elementCount) values, \(String(format: "%.3g GB", floatBytes / 1_073_741_824)) as floats, more than the \(MemoryLimit.description)")
        }
        return Dataset(name: datasetName(inputs), sampleShape: sampleShape, inputs: inputArray.floats(),
                       labels: labelsOut, classNames: try numberedClassNames(labelsOut, path: labels))
    }
}

/// One `.npy` file: the header checked and parsed, the data bytes kept for conversion.
private struct NPYArray {
    enum DType: String {
        case float32 = "<f4", float64 = "<f8", uint8 = "|u1", int32 = "<i4", int64 = "<i8"

        var size: Int {
            switch self {
            case .uint8: return 1
            case .float32, .int32: return 4
            case .float64, .int64: return 8
            }
        }

        /// NumPy writes '|u1', but '<u1' (and '=' on little-endian machines) mean the same.
        init?(descr: String) {
            let normalized = descr.replacingOccurrences(of: "=", with: "<").replacingOccurrences(of: "<u1", with: "|u1")
            self.init(rawValue: normalized)
        }
    }

    let dtype: DType
    let shape: [Int]
    let data: Data
    let offset: Int

    init(path: String, allowed: [DType], role: String) throws {
        let data = try Loaders.readBytes(path)
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"
        guard data.count >= 10, Array(data.prefix(6)) == magic else {
            let found = data.prefix(6).map { String(format: "%02X", $0) }.joined(separator: " ")
            throw DataError(path: path, "bad magic: expected a .npy file starting with 93 4E 55 4D 50 59 (\"\\x93NUMPY\"), found \(found.isEmpty ? "an empty file" : found)")
        }
        let major = data[data.startIndex + 6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(data[data.startIndex + 8]) | Int(data[data.startIndex + 9]) << 8
            headerStart = 10
        case 2, 3:
            guard data.count >= 12 else { throw DataError(path: path, "truncated header: expected at least 12 bytes, found \(data.count)") }
            headerLength = (0..<4).reduce(0) { $0 | Int(data[data.startIndex + 8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw DataError(path: path, "unsupported .npy format version \(major).\(data[data.startIndex + 7]) (expected 1.0, 2.0 or 3.0)")
        }
        guard data.count >= headerStart + headerLength else {
            throw DataError(path: path, "truncated header: expected \(headerLength) header bytes, found \(data.count - headerStart)")
        }
        let headerText = String(decoding: data[(data.startIndex + headerStart)..<(data.startIndex + headerStart + headerLength)], as: UTF8.self)
        let header = try NPYHeader(headerText, path: path)

        guard !header.fortranOrder else {
            throw DataError(path: path, "fortran_order is True: expected a C-order array (save it with np.save(path, np.ascontiguousarray(array)))")
        }
        guard let dtype = DType(descr: header.descr), allowed.contains(dtype) else {
            throw DataError(path: path, "unsupported dtype '\(header.descr)' for \(role): expected one of \(allowed.map { "'\($0.rawValue)'" }.joined(separator: ", "))")
        }
        guard let elements = Loaders.checkedProduct(header.shape), let needed = Loaders.checkedProduct([elements, dtype.size]) else {
            throw DataError(path: path, "shape \(NPYArray.describe(header.shape)) is too large to load")
        }
        let available = data.count - headerStart - headerLength
        guard available == needed else {
            let problem = available < needed ? "truncated data" : "trailing bytes"
            throw DataError(path: path, "\(problem): shape \(NPYArray.describe(header.shape)) of '\(dtype.rawValue)' needs \(needed) data bytes, found \(available)")
        }
        self.dtype = dtype
        self.shape = header.shape
        self.data = data
        self.offset = headerStart + headerLength
    }

    static func describe(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    var elementCount: Int { shape.reduce(1, *) }

    func floats() -> [Float] {
        let n = elementCount
        var out = [Float](repeating: 0, count: n)
        data.withUnsafeBytes { raw in
            let base = UnsafeRawBufferPointer(rebasing: raw[offset...])
            out.withUnsafeMutableBufferPointer { out in
                switch dtype {
                case .float32:
                    for i in 0..<n { out[i] = Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
                case .float64:
                    for i in 0..<n { out[i] = Float(Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
                case .uint8:
                    for i in 0..<n { out[i] = Float(base[i]) / 255 }
                case .int32, .int64:
                    preconditionFailure("integer arrays are read with integers()")
                }
            }
        }
        return out
    }

    func integers() -> [Int64] {
        let n = elementCount
        return data.withUnsafeBytes { raw in
            let base = UnsafeRawBufferPointer(rebasing: raw[offset...])
            switch dtype {
            case .int64: return (0..<n).map { Int64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
            case .int32: return (0..<n).map { Int64(Int32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) }
            case .uint8: return (0..<n).map { Int64(base[$0]) }
            case .float32, .float64: preconditionFailure("float arrays are read with floats()")
            }
        }
    }
}

/// The header dictionary, a Python literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 28, 28), }`. Only the literal forms
/// NumPy writes are accepted: quoted strings, True/False, integers and tuples of integers.
private struct NPYHeader {
    let descr: String
    let fortranOrder: Bool
    let shape: [Int]

    private enum Value {
        case string(String), bool(Bool), ints([Int])
    }

    init(_ text: String, path: String) throws {
        var scanner = LiteralScanner(text: Array(text.utf8), path: path, header: text)
        var values: [String: Value] = [:]
        try scanner.expect("{")
        while true {
            if scanner.consume("}") { break }
            let key = try scanner.string()
            try scanner.expect(":")
            values[key] = try scanner.value()
            if scanner.consume(",") { continue }
            try scanner.expect("}")
            break
        }
        func missing(_ key: String) -> DataError {
            DataError(path: path, "header \(text.trimmingCharacters(in: .whitespacesAndNewlines)): expected a '\(key)' entry of the right kind")
        }
        guard case .string(let descr)? = values["descr"] else { throw missing("descr") }
        guard case .bool(let fortran)? = values["fortran_order"] else { throw missing("fortran_order") }
        guard case .ints(let shape)? = values["shape"] else { throw missing("shape") }
        self.descr = descr
        self.fortranOrder = fortran
        self.shape = shape
    }

    private struct LiteralScanner {
        let text: [UInt8]
        let path: String
        let header: String
        var position = 0

        func error(_ expected: String) -> DataError {
            let rest = String(decoding: text[min(position, text.count)...].prefix(12), as: UTF8.self)
            return DataError(path: path, "malformed header at offset \(position): expected \(expected), found '\(rest)' in \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
        }

        mutating func skipSpace() {
            while position < text.count, text[position] == 0x20 || text[position] == 0x0A || text[position] == 0x09 { position += 1 }
        }

        mutating func consume(_ symbol: Character) -> Bool {
            skipSpace()
            guard position < text.count, text[position] == symbol.asciiValue! else { return false }
            position += 1
            return true
        }

        mutating func expect(_ symbol: Character) throws {
            guard consume(symbol) else { throw error("'\(symbol)'") }
        }

        mutating func string() throws -> String {
            skipSpace()
            guard position < text.count, text[position] == 0x27 || text[position] == 0x22 else { throw error("a quoted string") }
            let quote = text[position]
            let start = position + 1
            guard let end = text[start...].firstIndex(of: quote) else { throw error("a closing quote") }
            position = end + 1
            return String(decoding: text[start..<end], as: UTF8.self)
        }

        mutating func integer() throws -> Int {
            skipSpace()
            let start = position
            while position < text.count, (0x30...0x39).contains(text[position]) { position += 1 }
            guard position > start, let value = Int(String(decoding: text[start..<position], as: UTF8.self)) else {
                throw error("an integer")
            }
            return value
        }

        mutating func value() throws -> Value {
            skipSpace()
            guard position < text.count else { throw error("a value") }
            switch text[position] {
            case 0x27, 0x22:
                return .string(try string())
            case UInt8(ascii: "T"), UInt8(ascii: "F"):
                for (word, flag) in [("True", true), ("False", false)] where text[position...].starts(with: word.utf8) {
                    position += word.utf8.count
                    return .bool(flag)
                }
                throw error("True or False")
            case UInt8(ascii: "("):
                position += 1
                var items: [Int] = []
                while true {
                    if consume(")") { break }
                    items.append(try integer())
                    if consume(",") { continue }
                    try expect(")")
                    break
                }
                return .ints(items)
            default:
                return .ints([try integer()])
            }
        }
    }
}

/// A flatbuffer as a tree of values, serialized front to back: every table, vector or string is
/// written before the objects it refers to, so every reference (an unsigned offset) points
/// forward, as the format requires. Enough of FlatBuffers for the TFLite schema, no more.
indirect enum FlatValue {
    /// Fields by id; nil for absent ones (readers then use the schema's default).
    case table([FlatField?])
    case string(String)
    /// A vector of tables or strings.
    case vector([FlatValue])
    /// A vector of scalars: little-endian element bytes, their count, and the alignment of the
    /// data (at least the element size; TFLite buffers ask for 16).
    case scalars([UInt8], count: Int, alignment: Int)

    static func ints(_ v: [Int32]) -> FlatValue { .scalars(v.flatMap { littleEndian($0) }, count: v.count, alignment: 4) }
    static func longs(_ v: [Int64]) -> FlatValue { .scalars(v.flatMap { littleEndian($0) }, count: v.count, alignment: 8) }
    static func floats(_ v: [Float]) -> FlatValue { .scalars(v.flatMap { littleEndian($0.bitPattern) }, count: v.count, alignment: 4) }
    static func bytes(_ v: [UInt8], alignment: Int = 1) -> FlatValue { .scalars(v, count: v.count, alignment: alignment) }
}

enum FlatField {
    /// An inline scalar: 1, 2, 4 or 8 little-endian bytes.
    case scalar([UInt8])
    case offset(FlatValue)

    static func byte(_ v: Int8) -> FlatField { .scalar([UInt8(bitPattern: v)]) }
    static func bool(_ v: Bool) -> FlatField { .scalar([v ? 1 : 0]) }
    static func int(_ v: Int32) -> FlatField { .scalar(littleEndian(v)) }
    static func uint(_ v: UInt32) -> FlatField { .scalar(littleEndian(v)) }
}

func littleEndian<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
    (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: v >> ($0 * 8)) }
}

struct FlatBufferWriter {
    private(set) var bytes: [UInt8] = []

    /// The serialized buffer: the root offset, the 4-byte file identifier, then `root`.
    static func serialize(_ root: FlatValue, identifier: String) -> [UInt8] {
        precondition(identifier.utf8.count == 4)
        var writer = FlatBufferWriter()
        writer.bytes = [0, 0, 0, 0] + Array(identifier.utf8)
        let position = writer.write(root)
        writer.patch(slot: 0, target: position)
        return writer.bytes
    }

    private mutating func pad(toMultipleOf n: Int, after extra: Int = 0) {
        while (bytes.count + extra) % n != 0 { bytes.append(0) }
    }

    private mutating func patch(slot: Int, target: Int) {
        let offset = littleEndian(UInt32(target - slot))
        bytes.replaceSubrange(slot..<(slot + 4), with: offset)
    }

    /// Writes `value` and everything it refers to; returns where a reference must point.
    private mutating func write(_ value: FlatValue) -> Int {
        switch value {
        case .string(let s):
            pad(toMultipleOf: 4)
            let position = bytes.count
            bytes += littleEndian(UInt32(s.utf8.count)) + Array(s.utf8) + [0]
            return position
        case .scalars(let data, let count, let alignment):
            pad(toMultipleOf: max(alignment, 4), after: 4)  // the data, after the length, is aligned
            let position = bytes.count
            bytes += littleEndian(UInt32(count)) + data
            return position
        case .vector(let elements):
            pad(toMultipleOf: 4)
            let position = bytes.count
            bytes += littleEndian(UInt32(elements.count))
            let slots = elements.indices.map { position + 4 + 4 * $0 }
            bytes += [UInt8](repeating: 0, count: 4 * elements.count)
            for (slot, element) in zip(slots, elements) { patch(slot: slot, target: write(element)) }
            return position
        case .table(let fields):
            return writeTable(fields)
        }
    }

    private mutating func writeTable(_ fields: [FlatField?]) -> Int {
        // Inline layout: the vtable offset, then fields largest first so each is aligned.
        let sizes = fields.map { field -> Int in
            switch field {
            case .scalar(let b)?: return b.count
            case .offset?: return 4
            case nil: return 0
            }
        }
        var fieldOffset = [Int](repeating: 0, count: fields.count)
        var size = 4
        for id in fields.indices.sorted(by: { sizes[$0] > sizes[$1] }) where sizes[id] > 0 {
            size = (size + sizes[id] - 1) / sizes[id] * sizes[id]
            fieldOffset[id] = size
            size += sizes[id]
        }
        let alignment = max(4, sizes.max() ?? 4)
        size = (size + alignment - 1) / alignment * alignment
        let count = (sizes.lastIndex { $0 > 0 } ?? -1) + 1
        pad(toMultipleOf: 2)
        let vtable = bytes.count
        bytes += littleEndian(UInt16(4 + 2 * count)) + littleEndian(UInt16(size))
        for id in 0..<count { bytes += littleEndian(UInt16(fieldOffset[id])) }
        pad(toMultipleOf: alignment)
        let table = bytes.count
        bytes += littleEndian(Int32(table - vtable)) + [UInt8](repeating: 0, count: size - 4)
        var children: [(slot: Int, value: FlatValue)] = []
        for (id, field) in fields.enumerated() {
            switch field {
            case .scalar(let b)?: bytes.replaceSubrange((table + fieldOffset[id])..<(table + fieldOffset[id] + b.count), with: b)
            case .offset(let child)?: children.append((table + fieldOffset[id], child))
            case nil: break
            }
        }
        for child in children { patch(slot: child.slot, target: write(child.value)) }
        return table
    }
}

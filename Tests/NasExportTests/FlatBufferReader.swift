/// Reads back the flatbuffers the exporter writes (tables, vectors, strings, scalars), so tests
/// check the file's structure independently of the writer's tree.
struct FlatBufferReader {
    let bytes: [UInt8]

    func u8(_ p: Int) -> Int { Int(bytes[p]) }
    func u16(_ p: Int) -> Int { Int(bytes[p]) | Int(bytes[p + 1]) << 8 }
    func u32(_ p: Int) -> Int { u16(p) | u16(p + 2) << 16 }
    func i32(_ p: Int) -> Int { Int(Int32(truncatingIfNeeded: u32(p))) }
    func i64(_ p: Int) -> Int64 { Int64(u32(p)) | Int64(u32(p + 4)) << 32 }

    var root: Int { u32(0) }
    var identifier: String { String(decoding: bytes[4..<8], as: UTF8.self) }

    /// Position of field `id` of the table at `t`, nil when absent.
    func field(_ t: Int, _ id: Int) -> Int? {
        let vtable = t - i32(t)
        let slot = 4 + 2 * id
        guard slot < u16(vtable), u16(vtable + slot) != 0 else { return nil }
        return t + u16(vtable + slot)
    }

    func table(_ t: Int, _ id: Int) -> Int? { field(t, id).map { $0 + u32($0) } }

    func vector(_ t: Int, _ id: Int) -> (start: Int, count: Int)? {
        field(t, id).map { p in let v = p + u32(p); return (v + 4, u32(v)) }
    }

    func tables(_ t: Int, _ id: Int) -> [Int] {
        guard let v = vector(t, id) else { return [] }
        return (0..<v.count).map { v.start + 4 * $0 + u32(v.start + 4 * $0) }
    }

    func ints(_ t: Int, _ id: Int) -> [Int] {
        guard let v = vector(t, id) else { return [] }
        return (0..<v.count).map { i32(v.start + 4 * $0) }
    }

    func floats(_ t: Int, _ id: Int) -> [Float] {
        guard let v = vector(t, id) else { return [] }
        return (0..<v.count).map { Float(bitPattern: UInt32(u32(v.start + 4 * $0))) }
    }

    func longs(_ t: Int, _ id: Int) -> [Int64] {
        guard let v = vector(t, id) else { return [] }
        return (0..<v.count).map { i64(v.start + 8 * $0) }
    }

    func data(_ t: Int, _ id: Int) -> [UInt8] {
        guard let v = vector(t, id) else { return [] }
        return Array(bytes[v.start..<(v.start + v.count)])
    }

    func string(_ t: Int, _ id: Int) -> String? {
        vector(t, id).map { String(decoding: bytes[$0.start..<($0.start + $0.count)], as: UTF8.self) }
    }

    func scalar(_ t: Int, _ id: Int, size: Int, default value: Int = 0) -> Int {
        guard let p = field(t, id) else { return value }
        switch size {
        case 1: return u8(p)
        case 2: return u16(p)
        default: return i32(p)
        }
    }
}

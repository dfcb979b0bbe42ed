import NasCore

/// Describing target hardware. Boards are data written in .nas (`stdlib/boards.nas`) through
/// `board(...)`, which checks units so a board can never be declared with `ram: 256`.
enum HardwareBuiltins {
    /// Above zero and below 1e18, so every later conversion (bytes to Int, cycles) stays in range.
    static let positive = NumberLimits(lower: 0, lowerIncluded: false, upper: 1e18, upperIncluded: false)

    static let name = TypedParameter<String>("name")
    static let mcu = TypedParameter<String>("mcu")
    static let core = TypedParameter<String>("core")
    /// Read in its dimension: `clock: 216 MHz`, `ram: 320 KB`; `ram: 256` is refused at `check`.
    static let clock = TypedParameter<Quantity>("clock", .quantity(.frequency, positive))
    static let ram = TypedParameter<Quantity>("ram", .quantity(.memory, positive))
    static let flash = TypedParameter<Quantity>("flash", .quantity(.memory, positive))
    static let cores = TypedParameter<Int>("cores", .integer(atLeast: 1, atMost: 1024), default: 1)
    static let fpu = TypedParameter<Bool>("fpu", default: false)
    static let dsp = TypedParameter<Bool>("dsp", default: false)

    static func register(into r: inout BuiltinRegistry) {
        r.register(Builtin("board", declaring: [name, mcu, core, clock, ram, flash, cores, fpu, dsp],
                           doc: "Describes a target board: clock in MHz, ram and flash in bytes (KB, MB); fpu/dsp say whether the core has a floating-point unit and DSP (SIMD) instructions.") { call in
            let clock = try call[Self.clock]
            let ram = try call[Self.ram]
            let flash = try call[Self.flash]
            let cores = try call[Self.cores]
            return .record(Record(kind: .board, [
                ("name", .string(try call[Self.name])), ("mcu", .string(try call[Self.mcu])),
                ("core", .string(try call[Self.core])), ("cores", .number(Double(cores))),
                ("clock", .number(clock)), ("ram", .number(ram)), ("flash", .number(flash)),
                ("fpu", .bool(try call[Self.fpu])), ("dsp", .bool(try call[Self.dsp])),
            ]))
        })
    }
}

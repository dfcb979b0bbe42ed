import NasCore

/// Describing target hardware. Boards are data written in .nas (`stdlib/boards.nas`) through
/// `board(...)`, which checks units so a board can never be declared with `ram: 256`.
enum HardwareBuiltins {
    static func register(into r: inout BuiltinRegistry) {
        // Below 1e18 so every later conversion (bytes to Int, cycles) stays in range.
        let positive = NumberLimits(lower: 0, lowerIncluded: false, upper: 1e18, upperIncluded: false)
        r.register(Builtin("board", [
            .init("name", .string), .init("mcu", .string), .init("core", .string),
            .init("clock", .quantity(.frequency, positive)), .init("ram", .quantity(.memory, positive)),
            .init("flash", .quantity(.memory, positive)),
            .init("cores", .integer(atLeast: 1, atMost: 1024), default: .number(1)),
            .init("fpu", .bool, default: .bool(false)), .init("dsp", .bool, default: .bool(false)),
        ], doc: "Describes a target board: clock in MHz, ram and flash in bytes (KB, MB); fpu/dsp say whether the core has a floating-point unit and DSP (SIMD) instructions.") { call in
            let clock = try call.quantity("clock", of: .frequency)
            let ram = try call.quantity("ram", of: .memory)
            let flash = try call.quantity("flash", of: .memory)
            let cores = try call.integer("cores")
            return .record(Record(kind: .board, [
                ("name", .string(try call.string("name"))), ("mcu", .string(try call.string("mcu"))),
                ("core", .string(try call.string("core"))), ("cores", .number(Double(cores))),
                ("clock", .number(clock)), ("ram", .number(ram)), ("flash", .number(flash)),
                ("fpu", call["fpu"]), ("dsp", call["dsp"]),
            ]))
        })
    }
}

/// Describing target hardware. Boards are data written in .nas (`stdlib/boards.nas`) through
/// `board(...)`, which checks units so a board can never be declared with `ram: 256`.
enum HardwareBuiltins {
    static func register(into r: inout BuiltinRegistry) {
        r.register(Builtin("board", [
            .init("name"), .init("mcu"), .init("core"), .init("clock"), .init("ram"), .init("flash"),
            .init("cores", default: .number(1)), .init("fpu", default: .bool(false)), .init("dsp", default: .bool(false)),
        ], doc: "Describes a target board: clock in MHz, ram and flash in bytes (KB, MB); fpu/dsp say whether the core has a floating-point unit and DSP (SIMD) instructions.") { call in
            let clock = try call.quantity("clock", of: .frequency)
            let ram = try call.quantity("ram", of: .memory)
            let flash = try call.quantity("flash", of: .memory)
            // Written so NaN fails too: `q.value <= 0` is false for NaN.
            for (label, q) in [("clock", clock), ("ram", ram), ("flash", flash)] where !(q.value > 0 && q.value < 1e18) {
                throw call.error("board: \(label) must be positive and below 1e18, not \(q.description)", at: label)
            }
            let cores = try call.integer("cores")
            guard cores >= 1 else { throw call.error("board: cores must be at least 1", at: "cores") }
            for flag in ["fpu", "dsp"] {
                guard case .bool = call[flag] else { throw call.error("board: \(flag) must be true or false", at: flag) }
            }
            return .record(Record(kind: "board", [
                ("name", .string(try call.string("name"))), ("mcu", .string(try call.string("mcu"))),
                ("core", .string(try call.string("core"))), ("cores", .number(Double(cores))),
                ("clock", .number(clock)), ("ram", .number(ram)), ("flash", .number(flash)),
                ("fpu", call["fpu"]), ("dsp", call["dsp"]),
            ]))
        })
    }
}

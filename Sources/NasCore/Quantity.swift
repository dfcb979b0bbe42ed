import Foundation

/// What a number measures. Hardware budgets mix bytes, seconds and frequencies, and a budget
/// of `ram <= 128` (bytes? KB?) is a classic silent mistake, so numbers carry their dimension
/// and arithmetic checks it.
public struct Dimension: Hashable, Sendable {
    public var bytes: Int
    public var seconds: Int

    public static let none = Dimension(bytes: 0, seconds: 0)
    public static let memory = Dimension(bytes: 1, seconds: 0)
    public static let time = Dimension(bytes: 0, seconds: 1)
    public static let frequency = Dimension(bytes: 0, seconds: -1)

    public static func + (a: Dimension, b: Dimension) -> Dimension {
        Dimension(bytes: a.bytes + b.bytes, seconds: a.seconds + b.seconds)
    }
    public static func - (a: Dimension, b: Dimension) -> Dimension {
        Dimension(bytes: a.bytes - b.bytes, seconds: a.seconds - b.seconds)
    }

    /// "a byte count", "a time", ... for error messages.
    public var noun: String {
        switch self {
        case .none: return "a plain number"
        case .memory: return "a byte count"
        case .time: return "a time"
        case .frequency: return "a frequency"
        default: return "a quantity in \(Quantity(value: 1, dimension: self).unitSuffix)"
        }
    }
}

/// Unit suffixes a literal may carry. Memory units are binary (1 KB = 1024 bytes), as on
/// microcontroller datasheets; `k`/`M`/`G` are decimal multipliers for counts such as MACs.
public enum UnitSuffix {
    public static let all: [String: (scale: Double, dimension: Dimension)] = [
        "B": (1, .memory), "KB": (1024, .memory), "MB": (1024 * 1024, .memory), "GB": (1024 * 1024 * 1024, .memory),
        "k": (1e3, .none), "M": (1e6, .none), "G": (1e9, .none),
        "us": (1e-6, .time), "ms": (1e-3, .time), "s": (1, .time),
        "Hz": (1, .frequency), "kHz": (1e3, .frequency), "MHz": (1e6, .frequency), "GHz": (1e9, .frequency),
    ]
    /// The suffixes, smallest unit first within each dimension, as help and messages list them.
    public static let names = ["B", "KB", "MB", "GB", "k", "M", "G", "us", "ms", "s", "Hz", "kHz", "MHz", "GHz"]
}

/// A number and its dimension, stored in base units (bytes, seconds, hertz).
public struct Quantity: Hashable, Sendable {
    public var value: Double
    public var dimension: Dimension

    public init(value: Double, dimension: Dimension = .none) {
        self.value = value
        self.dimension = dimension
    }

    /// The value as an integer, if it is one and fits.
    public var exactInt: Int? {
        guard value.isFinite, value.rounded() == value, abs(value) < 9e15 else { return nil }
        return Int(value)
    }

    /// Human rendering in the largest unit that keeps the number readable: `128 KB`, `216 MHz`,
    /// the number as `NumberFormat.plain` writes it.
    public var description: String { formatted(NumberFormat.plain) }

    /// In the largest unit that keeps the number readable, the number written by `number`.
    public func formatted(_ number: (Double) -> String) -> String {
        switch dimension {
        case .none: return number(value)
        case .memory:
            let units: [(String, Double)] = [("GB", 1_073_741_824), ("MB", 1_048_576), ("KB", 1024)]
            for (name, scale) in units where abs(value) >= scale { return number(value / scale) + " " + name }
            return number(value) + " B"
        case .time:
            if abs(value) >= 1 || value == 0 { return number(value) + " s" }
            if abs(value) >= 1e-3 { return number(value * 1e3) + " ms" }
            return number(value * 1e6) + " us"
        case .frequency:
            let units: [(String, Double)] = [("GHz", 1e9), ("MHz", 1e6), ("kHz", 1e3)]
            for (name, scale) in units where abs(value) >= scale { return number(value / scale) + " " + name }
            return number(value) + " Hz"
        default:
            return number(value) + " " + unitSuffix
        }
    }

    /// Base-unit spelling of a compound dimension, e.g. `B/s`.
    public var unitSuffix: String {
        func part(_ name: String, _ exp: Int) -> String { exp == 1 ? name : "\(name)^\(exp)" }
        var num: [String] = [], den: [String] = []
        if dimension.bytes > 0 { num.append(part("B", dimension.bytes)) }
        if dimension.bytes < 0 { den.append(part("B", -dimension.bytes)) }
        if dimension.seconds > 0 { num.append(part("s", dimension.seconds)) }
        if dimension.seconds < 0 { den.append(part("s", -dimension.seconds)) }
        let top = num.isEmpty ? "1" : num.joined(separator: "*")
        return den.isEmpty ? top : top + "/" + den.joined(separator: "*")
    }
}

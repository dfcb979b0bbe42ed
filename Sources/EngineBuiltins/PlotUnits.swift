import NasCore
import NasLang

/// The unit an axis or a bar column is drawn in. Values reach the renderer already divided
/// into it and the axis title names it (`ram (KB)`), so ticks read 0, 20, 40 rather than
/// 20480-byte steps, and the renderer never needs to know about units.
struct DisplayUnit {
    var divisor: Double
    /// nil for plain numbers below ten thousand.
    var suffix: String?

    /// The largest unit that keeps the biggest magnitude at least 1: memory in B/KB/MB/GB
    /// (binary), time in us/ms/s, frequency in Hz..GHz, large counts in k or M.
    init(dimension: Dimension, magnitude: Double) {
        let scales: [(String, Double)]
        switch dimension {
        case .memory: scales = [("GB", 1_073_741_824), ("MB", 1_048_576), ("KB", 1024), ("B", 1)]
        case .time: scales = [("s", 1), ("ms", 1e-3), ("us", 1e-6)]
        case .frequency: scales = [("GHz", 1e9), ("MHz", 1e6), ("kHz", 1e3), ("Hz", 1)]
        case .none:
            if magnitude >= 1e6 { (divisor, suffix) = (1e6, "M") }
            else if magnitude >= 1e4 { (divisor, suffix) = (1e3, "k") }
            else { (divisor, suffix) = (1, nil) }
            return
        default:
            // A compound unit (B/s): base units, spelled the way quantities print them.
            (divisor, suffix) = (1, String(Quantity(value: 1, dimension: dimension).description.dropFirst(2)))
            return
        }
        let pick = scales.first { magnitude >= $0.1 } ?? scales.last!
        (divisor, suffix) = (pick.1, pick.0)
    }

    /// `ram (KB)`, or the bare name for plain numbers.
    func title(_ name: String) -> String {
        suffix.map { "\(name) (\($0))" } ?? name
    }
}

/// A column of numbers pulled out of records or lists, all in one dimension.
struct NumberColumn {
    var name: String
    var dimension: Dimension
    /// Base units; nil where the record has no usable value (a failed trial's accuracy).
    var values: [Double?]

    var unit: DisplayUnit {
        DisplayUnit(dimension: dimension, magnitude: values.compactMap { $0.map(abs) }.filter(\.isFinite).max() ?? 0)
    }
}

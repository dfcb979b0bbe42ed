import Foundation

/// The one place numbers become text. Three styles, each for one job:
/// - `plain`: a value as the user wrote or computed it, faithful to 6 significant digits
///   (`0.125`, `1e-05`, `216`): `show x`, error messages, settings echoed back.
/// - `short`: a setting in one short line, 3 significant digits (`0.00123`, `0.1`, `16`).
/// - `measured`: a measured amount as tables, `cost(...)` and trial lines print it, at the
///   precision the measurement deserves: memory in KB with one decimal (MB with two), times in
///   ms or s with two decimals, counts compact (`110.6k`, `1.2M`), fractions with three.
/// `label` writes a value beside a bar or a point: `short` digits in the quantity's unit.
/// Every table and summary goes through `measured` (or `Metric.format`), so one quantity never
/// prints as `25.4688 KB` in one place and `25.5 KB` in another.
public enum NumberFormat {
    /// Shortest faithful decimal: integers without ".0", others with up to 6 significant digits.
    public static func plain(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        if v.rounded() == v, abs(v) < 1e15 { return String(Int64(v)) }
        let a = abs(v)
        if a >= 1e-4 && a < 1e15 {
            var s = String(format: "%.6g", v)
            if s.contains("e") { s = String(format: "%.6f", v) }
            if s.contains(".") {
                while s.hasSuffix("0") { s.removeLast() }
                if s.hasSuffix(".") { s.removeLast() }
            }
            return s
        }
        return String(format: "%.4g", v)
    }

    /// Integers whole, other values to 3 significant digits (2 below 0.01).
    public static func short(_ v: Double) -> String {
        // exactInt, not Int(v): a value of 1e19 must print, not trap.
        if let whole = Quantity(value: v).exactInt { return String(whole) }
        return String(format: abs(v) < 0.01 ? "%.2g" : "%.3g", v)
    }

    /// Large counts as `78.2k`, `1.2M`; counts below 10,000 whole; non-integers plain.
    public static func count(_ v: Double) -> String {
        guard Quantity(value: v).exactInt != nil else { return plain(v) }
        if abs(v) >= 1e6 { return plain((v / 1e5).rounded() / 10) + "M" }
        if abs(v) >= 1e4 { return plain((v / 1e2).rounded() / 10) + "k" }
        return plain(v)
    }

    public static func count(_ n: Int) -> String { count(Double(n)) }

    /// A fraction such as an accuracy, to three decimals.
    public static func fraction(_ v: Double) -> String { String(format: "%.3f", v) }

    /// A measured amount in its dimension's display unit: `25.5 KB`, `1.25 MB`, `86.01 ms`,
    /// `1.20 s`, `110.6k`; frequencies and compound units as `Quantity.description`.
    public static func measured(_ q: Quantity) -> String {
        let v = q.value
        guard v.isFinite else { return plain(v) }
        switch q.dimension {
        case .memory: return abs(v) >= 1_048_576 ? String(format: "%.2f MB", v / 1_048_576) : String(format: "%.1f KB", v / 1024)
        case .time: return abs(v) >= 1 ? String(format: "%.2f s", v) : String(format: "%.2f ms", v * 1e3)
        case .none: return count(v)
        default: return q.description
        }
    }

    /// A value labelling a bar or a point, to 3 significant digits in its unit: `0.556`, `8`,
    /// `24 KB`, `25.5 KB`, `1.25 ms`.
    public static func label(_ q: Quantity) -> String { q.formatted(short) }
}

/// Shapes as users read them: `32x32x3`.
public func describe(shape: [Int]) -> String {
    shape.map(String.init).joined(separator: "x")
}

import Foundation

/// An axis's data range widened to round tick values, and the map from data to [0, 1].
/// Both renderers share it, so text and SVG put every tick and point in the same place.
struct AxisScale: Sendable {
    let scale: Axis.Scale
    /// Bounds in the mapped space: data values (linear) or their log10 (log).
    let lo: Double
    let hi: Double
    let ticks: [Double]
    let labels: [String]

    /// `values` are all the coordinates the axis must show (points and reference lines);
    /// `targetTicks` is about how many ticks fit.
    init(_ axis: Axis, values: [Double], targetTicks: Int) {
        scale = axis.scale
        switch axis.scale {
        case .linear:
            let finite = values.filter(\.isFinite)
            var lo = finite.min() ?? 0, hi = finite.max() ?? 1
            if lo == hi {
                let pad = lo == 0 ? 1 : abs(lo) * 0.1
                lo -= pad
                hi += pad
            }
            let step = Self.niceStep((hi - lo) / Double(max(targetTicks - 1, 1)))
            let first = (lo / step).rounded(.down), last = (hi / step).rounded(.up)
            self.lo = first * step
            self.hi = last * step
            ticks = stride(from: first, through: last, by: 1).map { $0 * step }
            let decimals = Self.decimals(for: step)
            labels = ticks.map { Self.format($0, decimals: decimals) }
        case .log:
            let positive = values.filter { $0.isFinite && $0 > 0 }
            var lo = (log10(positive.min() ?? 1) + 1e-9).rounded(.down)
            var hi = (log10(positive.max() ?? 10) - 1e-9).rounded(.up)
            if hi <= lo { hi = lo + 1 }
            if hi - lo > 12 { lo = hi - 12 }
            self.lo = lo
            self.hi = hi
            let decades = Int(hi - lo)
            // Few decades leave room for 2 and 5 between the powers of ten.
            let mantissas: [Double] = decades <= 2 ? [1, 2, 5] : [1]
            var ticks: [Double] = []
            for e in Int(lo)...Int(hi) {
                for m in mantissas where e < Int(hi) || m == 1 { ticks.append(m * pow(10, Double(e))) }
            }
            self.ticks = ticks
            labels = ticks.map { Self.format($0, decimals: Self.decimals(for: $0)) }
        }
    }

    /// Where a data value falls, 0 at the low end and 1 at the high end; nil when the
    /// value cannot be shown (not finite, or not positive on a log axis).
    func fraction(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        let t: Double
        switch scale {
        case .linear: t = v
        case .log:
            guard v > 0 else { return nil }
            t = log10(v)
        }
        return (t - lo) / (hi - lo)
    }

    /// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2, 2.5, 5, 10] where m * magnitude >= raw * (1 - 1e-9) { return m * magnitude }
        return 10 * magnitude
    }

    /// The fewest decimals that write `step` (and so every multiple of it) exactly.
    static func decimals(for step: Double) -> Int {
        var d = 0
        while d < 8 {
            let scaled = step * pow(10, Double(d))
            if abs(scaled - scaled.rounded()) <= 1e-6 * max(1, scaled) { break }
            d += 1
        }
        return d
    }

    /// Fixed decimals below a million; a short exponent form above, so labels stay narrow.
    static func format(_ v: Double, decimals: Int) -> String {
        if abs(v) >= 1e6 {
            let e = Int(log10(abs(v)).rounded(.down))
            let m = v / pow(10, Double(e))
            return format(m, decimals: m.rounded() == m ? 0 : 1) + "e" + String(e)
        }
        let s = String(format: "%.\(min(decimals, 8))f", v)
        return s == "-0" || s.hasPrefix("-0.") && Double(s) == 0 ? String(s.dropFirst()) : s
    }
}

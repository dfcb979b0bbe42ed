/// A one-line progress bar, `[██████▌     ]  54%`, in eighth-block steps so short runs still move.
public enum ProgressBar {
    static let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    public static func render(fraction: Double, width: Int = 24) -> String {
        let f = min(max(fraction.isFinite ? fraction : 0, 0), 1)
        let eighths = Int((f * Double(width * 8)).rounded(.down))
        let full = eighths / 8, partial = eighths % 8
        var bar = String(repeating: "█", count: full)
        if full < width {
            bar += partials[partial]
            bar += String(repeating: " ", count: width - full - (partial > 0 ? 1 : 0))
        }
        let percent = String(Int((f * 100).rounded(.down)))
        return "[" + bar + "] " + String(repeating: " ", count: 3 - percent.count) + percent + "%"
    }

    /// Seconds as `42s`, `3m05s` or `1h02m`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + (s % 60 < 10 ? "0" : "") + "\(s % 60)s" }
        return "\(s / 3600)h" + ((s % 3600) / 60 < 10 ? "0" : "") + "\((s % 3600) / 60)m"
    }
}

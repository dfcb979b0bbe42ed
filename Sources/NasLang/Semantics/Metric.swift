import NasCore

extension Metric {
    /// Looks a searchable metric up by name, with a did-you-mean hint on failure: `check`
    /// catches `minimize rom` before a long search starts.
    public static func named(_ name: Name) throws -> Metric {
        if let m = Metric(rawValue: name.text), searchable.contains(m) { return m }
        throw Diagnostic("unknown metric '\(name.text)'", at: name.span,
                         hint: Suggestions.hint(for: name.text, in: searchable.map(\.rawValue))
                            ?? "metrics: " + searchable.map(\.rawValue).joined(separator: ", "))
    }

    /// The searchable metric called `name`, or nil.
    public static func searchable(named name: String) -> Metric? {
        Metric(rawValue: name).flatMap { searchable.contains($0) ? $0 : nil }
    }
}

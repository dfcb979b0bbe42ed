import Foundation

/// Wall-clock measurements differ on every run; replay compares output with them masked. The
/// engine prints timings only in terminal redraws, which sessions never record, so what remains
/// is a training record's own fields. The rule, narrow on purpose:
///   - the number (and its unit) after a field named `seconds` or `samples_per_s`, written as a
///     record shows it inline (`seconds: 1.2 ms`) or in a table row (`seconds   1.2 ms`);
///   - a number followed by `samples/s`.
/// Everything else must match exactly; a time printed on its own (`print(r.seconds)`) differs.
public enum VolatileOutput {
    static let placeholder = "<wall-clock>"

    private static let number = #"-?[0-9]+(?:[.,][0-9]+)*(?:[eE][-+]?[0-9]+)?"#
    private static let timeUnit = #"(?: ?(?:ns|us|µs|ms|s|min|h)\b)?"#
    // The patterns are literals: one that does not compile is a programming error that must
    // trap in the first test, not a rule silently dropped.
    // swift-format-ignore: NeverUseForceTry
    private static let rules: [NSRegularExpression] = [
        #"\b((?:seconds|samples_per_s)(?::[ ]*|[ ]+))"# + number + timeUnit,
        "()" + number + #"(?= samples/s\b)"#,
    ].map { try! NSRegularExpression(pattern: $0) }

    /// `line` with its volatile numbers replaced by a placeholder.
    public static func mask(_ line: String) -> String {
        var text = line
        for rule in rules {
            let range = NSRange(text.startIndex..., in: text)
            text = rule.stringByReplacingMatches(in: text, range: range, withTemplate: "$1" + placeholder)
        }
        return text
    }
}

/// The range a number admits, each end included or not. NaN is never admitted unless the
/// limits are `all`. A builtin parameter's limits (`ParameterType.number`, NasLang) and a
/// search knob's (`KnobDomain`, NasSearch) are this one concept, so both word them alike.
public struct NumberLimits: Equatable, Sendable {
    public var lower: Double
    public var lowerIncluded: Bool
    public var upper: Double
    public var upperIncluded: Bool

    public init(lower: Double, lowerIncluded: Bool = true, upper: Double, upperIncluded: Bool = true) {
        self.lower = lower
        self.lowerIncluded = lowerIncluded
        self.upper = upper
        self.upperIncluded = upperIncluded
    }

    /// Every number, infinities and NaN included: the body takes any.
    public static let all = NumberLimits(lower: -.infinity, upper: .infinity)
    /// [0, 1).
    public static let fraction = NumberLimits(lower: 0, upper: 1, upperIncluded: false)
    /// Finite and at least zero.
    public static let nonNegative = NumberLimits(lower: 0, upper: .greatestFiniteMagnitude)
    /// Finite and above zero.
    public static let positive = NumberLimits(lower: 0, lowerIncluded: false, upper: .greatestFiniteMagnitude)
    /// Above zero, at most `upper`.
    public static func positive(atMost upper: Double) -> NumberLimits {
        NumberLimits(lower: 0, lowerIncluded: false, upper: upper)
    }
    /// [lower, upper], or [lower, upper) when `upperIncluded` is false.
    public static func from(_ lower: Double, to upper: Double, upperIncluded: Bool = true) -> NumberLimits {
        NumberLimits(lower: lower, upper: upper, upperIncluded: upperIncluded)
    }

    public var isAll: Bool { self == .all }

    /// Written so NaN fails: every comparison with NaN is false.
    public func admits(_ v: Double) -> Bool {
        if isAll { return true }
        return (lowerIncluded ? v >= lower : v > lower) && (upperIncluded ? v <= upper : v < upper)
    }

    /// `[0, 1)`, `(0, 4]`, `> 0`, `>= 0`, as help shows the limits.
    public var interval: String {
        if upper == .greatestFiniteMagnitude || upper == .infinity {
            return (lowerIncluded ? ">= " : "> ") + NumberFormat.plain(lower)
        }
        return (lowerIncluded ? "[" : "(") + NumberFormat.plain(lower) + ", " + NumberFormat.plain(upper) + (upperIncluded ? "]" : ")")
    }

    /// "a number in [0, 1)", "a finite number above 0", "a number above 0, at most 4".
    public func expectation(noun: String) -> String {
        if upper == .greatestFiniteMagnitude {
            return "a finite \(noun) " + (lowerIncluded ? "of at least " : "above ") + NumberFormat.plain(lower)
        }
        if !lowerIncluded, upperIncluded { return "a \(noun) above \(NumberFormat.plain(lower)), at most \(NumberFormat.plain(upper))" }
        return "a \(noun) in \(interval)"
    }
}

/// The width, in bits, that a layer's weights are stored at: 2 to 8.
///
/// Quantization is symmetric per output channel, so a `b`-bit weight is an integer in
/// ±(2^(b-1) - 1) times its channel's scale; 8 bits is an `int8_t`, fewer are packed. This type is
/// the one place a width is checked: every width that reaches the engine (a `bits:` argument, a
/// search space's `bits` knob, a stored trial) is built through `init(checking:)`, so the
/// quantizers, the cost model and the exporters never see 1 or 9.
public struct BitWidth: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The widths nasbook quantizes to: below 2 there is no nonzero symmetric level; above 8
    /// a weight no longer fits the int8 kernels.
    public static let range: ClosedRange<Int> = 2...8

    /// Full int8 weights, the width of a layer nobody compressed.
    public static let eight = BitWidth(unchecked: 8)

    public let bits: Int

    private init(unchecked bits: Int) { self.bits = bits }

    /// A width from a whole number in `range`.
    public init(checking bits: Int) throws(BitWidthError) {
        guard Self.range.contains(bits) else { throw BitWidthError(given: Double(bits)) }
        self.bits = bits
    }

    /// A width from a number as the language holds it (a Double): a whole number in `range`,
    /// anything else (4.5, 1e19, NaN) is an error, never a trapping conversion.
    public init(checking value: Double) throws(BitWidthError) {
        guard value.rounded() == value, value >= Double(Self.range.lowerBound), value <= Double(Self.range.upperBound) else {
            throw BitWidthError(given: value)
        }
        self.bits = Int(value)
    }

    /// The largest integer magnitude a weight takes at this width: 2^(bits-1) - 1.
    public var levels: Int { (1 << (bits - 1)) - 1 }

    public var description: String { "\(bits)" }

    public static func < (a: BitWidth, b: BitWidth) -> Bool { a.bits < b.bits }
}

extension BitWidth: ExpressibleByIntegerLiteral {
    /// A width written in code (`let widths: [BitWidth] = [4, 8]`); a literal out of range is a
    /// programming error, so it traps. Input from users goes through `init(checking:)`.
    public init(integerLiteral bits: Int) {
        precondition(Self.range.contains(bits), "bit-width literal \(bits) is outside 2...8")
        self.bits = bits
    }
}

/// A bit-width outside 2...8 or not a whole number.
public struct BitWidthError: Error, Equatable, CustomStringConvertible {
    /// What a width must be, for messages that name their argument ("'bits' must be ...").
    public static let expectation = "a whole number from \(BitWidth.range.lowerBound) to \(BitWidth.range.upperBound)"

    public let given: Double

    public init(given: Double) { self.given = given }

    /// The value as messages show it: 9, 4.5, 1e+19.
    public var shown: String { given.rounded() == given && abs(given) < 1e15 ? String(Int(given)) : "\(given)" }

    public var description: String { "a bit-width must be \(Self.expectation), not \(shown)" }
}

/// How one weighted op's weights are laid out in flash: the smaller of two encodings, chosen per
/// layer from its weight count, its non-zero count and its bit-width alone.
///
/// - `dense`: every weight, packed at `bits` bits (one bit stream per layer, int8 at 8 bits).
/// - `bitmap`: one bit per weight (set where the weight is not zero, in the order the kernel
///   reads the weights), then only the non-zero values, packed at `bits` bits.
///
/// Why a bitmap and not CSR-style indices or run lengths: its size, `weights / 8 +
/// nonZero * bits / 8`, depends on how many weights are zero, not on where they are, so the
/// cost model can count it exactly before a network is trained (from the prune rate) and the
/// exporter writes exactly that; and it pays from low sparsity on. Unstructured pruning at a
/// fraction `s` makes it smaller than dense once `s > 1 / bits` (12.5% at 8 bits, 25% at 4,
/// 50% at 2), whereas per-weight indices (8-bit offsets in a row) only win past
/// `s > 8 / (8 + bits)` (50% at 8 bits, 67% at 4), beyond most prune rates a search keeps
/// accurate. Its kernel reads the map eight weights at a time, skips a zero byte outright and
/// multiplies only the non-zero weights: the MACs it executes are non-zero weights x positions.
public struct WeightStorage: Sendable, Equatable {
    public enum Format: String, Sendable {
        case dense
        case bitmap
    }

    public let format: Format
    /// Weights the op has, zero or not.
    public let weights: Int
    /// Weights that are not zero: the values a bitmap layer stores and its kernel multiplies.
    public let nonZero: Int
    public let bits: Int

    /// The smaller encoding for these counts; dense on a tie (its kernel is the simpler one).
    public init(weights: Int, nonZero: Int, bits: Int) {
        self.weights = weights
        self.nonZero = min(max(nonZero, 0), weights)
        self.bits = bits
        let sparse = Self.bitmapBytes(weights: weights, nonZero: self.nonZero, bits: bits)
        format = sparse < Self.denseBytes(weights: weights, bits: bits) ? .bitmap : .dense
    }

    /// Bytes of `weights` values packed at `bits` bits: what a dense weight array holds.
    public static func denseBytes(weights: Int, bits: Int) -> Int {
        (weights * bits + 7) / 8
    }

    /// Bytes of a bitmap layer: the map (`weights` bits, rounded up to a byte) plus the
    /// non-zero values packed at `bits` bits (rounded up to a byte; none when all are zero).
    public static func bitmapBytes(weights: Int, nonZero: Int, bits: Int) -> Int {
        mapBytes(weights: weights) + denseBytes(weights: nonZero, bits: bits)
    }

    /// Bytes of a bitmap layer's map alone.
    public static func mapBytes(weights: Int) -> Int { (weights + 7) / 8 }

    public var isSparse: Bool { format == .bitmap }

    /// Bytes this op's weights take in flash.
    public var bytes: Int {
        isSparse ? Self.bitmapBytes(weights: weights, nonZero: nonZero, bits: bits) : Self.denseBytes(weights: weights, bits: bits)
    }

    /// Flash the chosen encoding saves against storing every weight.
    public var savedBytes: Int { Self.denseBytes(weights: weights, bits: bits) - bytes }

    /// Fraction of the weights that are zero.
    public var sparsity: Double { weights == 0 ? 0 : Double(weights - nonZero) / Double(weights) }

    /// MACs the kernel executes when the dense kernel would execute `denseMACs` (every weight at
    /// every position): a bitmap kernel skips the zero weights, a dense one multiplies them too.
    public func executedMACs(dense denseMACs: Int) -> Int {
        guard isSparse, weights > 0 else { return denseMACs }
        return denseMACs / weights * nonZero
    }
}

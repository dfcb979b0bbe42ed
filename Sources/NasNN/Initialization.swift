/// Weight initialization from a caller's seeded generator, so a model built twice from the
/// same seed is bit-identical.
enum Initialization {
    /// Uniform in [0, 1) from the top 24 bits, the same on every platform.
    static func unit(_ rng: inout some RandomNumberGenerator) -> Float {
        Float(rng.next() >> 40) * 0x1p-24
    }

    /// He (Kaiming) uniform for ReLU networks: U(-b, b) with b = sqrt(6 / fanIn).
    static func he(count: Int, fanIn: Int, _ rng: inout some RandomNumberGenerator) -> [Float] {
        let bound = (6 / Float(max(1, fanIn))).squareRoot()
        return (0..<count).map { _ in (unit(&rng) * 2 - 1) * bound }
    }
}

/// Weight initialization from a caller's seeded generator, so a model built twice from the
/// same seed is bit-identical.
enum Initialization {
    /// Uniform in [0, 1) from the top 24 bits, the same on every platform.
    static func unit(_ rng: inout some RandomNumberGenerator) -> Float {
        Float(rng.next() >> 40) * 0x1p-24
    }

    /// He (Kaiming) uniform for ReLU networks: U(-b, b) with b = sqrt(6 / fanIn).
    static func he(count: Int, fanIn: Int, _ rng: inout some RandomNumberGenerator) -> [Float] {
        uniform(count: count, bound: (6 / Float(max(1, fanIn))).squareRoot(), &rng)
    }

    /// U(-b, b) with b = 1 / sqrt(fanIn), PyTorch's default for linear layers: a classifier
    /// starts with small logits, so the first loss is near log(classes).
    static func classifier(count: Int, fanIn: Int, _ rng: inout some RandomNumberGenerator) -> [Float] {
        uniform(count: count, bound: 1 / Float(max(1, fanIn)).squareRoot(), &rng)
    }

    private static func uniform(count: Int, bound: Float, _ rng: inout some RandomNumberGenerator) -> [Float] {
        (0..<count).map { _ in (unit(&rng) * 2 - 1) * bound }
    }
}

import Foundation

/// The one random source of nasbook (datasets, initialization, strategies): xoshiro256** (Blackman & Vigna), with its 256-bit state
/// filled from the UInt64 seed by SplitMix64, as its authors recommend.
///
/// Why our own generator: every dataset, split and augmentation must be reproducible from a
/// seed, on every run and platform, so a search can be replayed. Swift's standard library
/// promises neither a stable `SystemRandomNumberGenerator` (it is not seedable) nor a stable
/// algorithm behind `Float.random(in:using:)` or `Int.random(in:using:)` across versions, so
/// the helpers below derive floats, integers and normals from `next()` with fixed arithmetic.
/// The integer and uniform helpers are bit-exact everywhere; the normal helpers also call the
/// platform's `log`, which agrees across glibc and Darwin in practice.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    public init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        // SplitMix64 never yields four zero words in a row, so the state is never all-zero
        // (the one state xoshiro cannot leave).
        s0 = nextSplitMix()
        s1 = nextSplitMix()
        s2 = nextSplitMix()
        s3 = nextSplitMix()
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// A generator whose stream depends only on this generator's current state and `stream`,
    /// without advancing this one. Lets work be split (per sample, per thread) while the
    /// result stays independent of how it was split.
    public func derived(stream: UInt64) -> SeededGenerator {
        var mixer = SeededGenerator(seed: s0 ^ rotateLeft(s2, 29) ^ (stream &* 0xD1B5_4A32_D192_ED03))
        return SeededGenerator(seed: mixer.next() ^ s1 ^ rotateLeft(s3, 17))
    }

    /// Uniform in [0, 1), from the top 24 bits: every value is an exact multiple of 2^-24.
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Uniform in [0, 1), from the top 53 bits.
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * nextFloat()
    }

    /// Uniform integer in 0..<bound, unbiased (Lemire's multiply-and-reject).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// Uniform integer in the closed range.
    public mutating func nextInt(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + nextInt(below: range.upperBound - range.lowerBound + 1)
    }

    /// True with the given probability.
    public mutating func chance(_ probability: Double) -> Bool {
        nextDouble() < probability
    }

    /// Standard normal (mean 0, std 1): the first of `nextNormalPair`.
    public mutating func nextNormal() -> Float {
        nextNormalPair().0
    }

    /// Two independent standard normals by Marsaglia's polar method: a point uniform in the unit
    /// disc, scaled by sqrt(-2 ln s / s). Unlike Box–Muller it needs no sine or cosine, which
    /// makes pixel noise about twice as fast; about 21 % of points are rejected and redrawn.
    public mutating func nextNormalPair() -> (Float, Float) {
        while true {
            let u = 2 * nextDouble() - 1
            let v = 2 * nextDouble() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let scale = (-2 * log(s) / s).squareRoot()
                return (Float(u * scale), Float(v * scale))
            }
        }
    }

    /// Fisher–Yates shuffle driven by `nextInt(below:)`, so the permutation is the same on
    /// every platform and Swift version (unlike `Array.shuffle(using:)`).
    public mutating func shuffle<Element>(_ elements: inout [Element]) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            let j = nextInt(below: i + 1)
            if i != j { elements.swapAt(i, j) }
        }
    }
}

@inline(__always)
private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
}

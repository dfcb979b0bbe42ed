import Foundation

/// A synthetic network-compression search with the shape of a real NAS study, cheap enough to
/// benchmark strategies on many seeds: a CNN of `layers` 3x3 convolutions (channels double and
/// the feature map halves in three stages), per layer a structured pruning rate and a weight
/// bit-width, plus a global width multiplier and input resolution (2 layers + 2 inputs).
///
/// Flash, peak RAM and MACs follow from the configuration exactly, as a cost model gives them;
/// the error is a deterministic proxy for accuracy after compression: every layer has a hidden
/// sensitivity (first and last layers more), pruning damage grows like (−log kept)^1.5, weight
/// quantization noise like 4^−bits divided by the channels kept (pruned layers tolerate fewer
/// bits), neighbouring pruned layers compound, low resolution costs accuracy, and accuracy
/// saturates (exp of the total damage). Layer sizes and sensitivities come from `seed` through
/// splitmix64, so bench/search/nas_problem.py computes the same function.
public struct CompressionProblem: Sendable, Equatable {
    public let layers: Int
    public let seed: UInt64
    /// Per layer: output channels, feature-map side, hidden sensitivity.
    let channels: [Double], side: [Double], sensitivity: [Double]
    let fullFlash: Double, fullRAM: Double, fullMACs: Double
    /// Budgets as fractions of the dense 8-bit network's flash and peak RAM.
    public static let flashBudget = 0.12, ramBudget = 0.3

    public init(layers: Int, seed: UInt64 = 1) {
        precondition(layers >= 2, "a compression problem needs at least two layers")
        self.layers = layers
        self.seed = seed
        var state = seed
        func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / 9_007_199_254_740_992
        }
        var channels: [Double] = [], side: [Double] = [], sensitivity: [Double] = []
        for l in 0..<layers {
            let stage = Double(l * 3 / layers)
            channels.append((16 * pow(2, stage) * (0.75 + 0.5 * uniform())).rounded())
            side.append(32 / pow(2, stage))
            let edge = l == 0 || l == layers - 1 ? 2.0 : 1.0
            sensitivity.append(edge * (0.3 + 0.7 * uniform()))
        }
        self.channels = channels
        self.side = side
        self.sensitivity = sensitivity
        // The dense network: nothing pruned, 8 bits, full width and resolution.
        let dense: [Double] = (0..<layers).flatMap { _ -> [Double] in [0, 1] } + [1, 1]
        (fullFlash, fullRAM, fullMACs) = Self.rawCosts(dense, channels: channels, side: side)
    }

    public var dimensions: Int { 2 * layers + 2 }

    /// Decoded decisions of a point: pruning rate in [0, 0.9], bits in 2...8, width in [0.25, 1],
    /// resolution in [0.5, 1].
    public static func decode(_ x: [Double], layers: Int) -> (prune: [Double], bits: [Double], width: Double, resolution: Double) {
        let prune = (0..<layers).map { 0.9 * x[2 * $0] }
        let bits = (0..<layers).map { (2 + 6 * x[2 * $0 + 1]).rounded() }
        return (prune, bits, 0.25 + 0.75 * x[2 * layers], 0.5 + 0.5 * x[2 * layers + 1])
    }

    /// Fraction of channels each layer keeps (pruning times the width multiplier).
    static func kept(_ prune: [Double], width: Double) -> [Double] { prune.map { (1 - $0) * width } }

    /// Flash (weight bytes), peak RAM (input plus output activations of a layer, int8) and MACs.
    static func rawCosts(_ x: [Double], channels: [Double], side: [Double]) -> (flash: Double, ram: Double, macs: Double) {
        let n = channels.count
        let (prune, bits, width, resolution) = decode(x, layers: n)
        let keep = kept(prune, width: width)
        var flash = 0.0, ram = 0.0, macs = 0.0
        for l in 0..<n {
            let inputs = l == 0 ? 3 : channels[l - 1] * keep[l - 1]
            let outputs = channels[l] * keep[l]
            let pixels = side[l] * side[l] * resolution * resolution
            let weights = 9 * inputs * outputs
            flash += weights * bits[l] / 8
            macs += weights * pixels
            ram = max(ram, (inputs * (l == 0 ? 4 : 1) + outputs) * pixels)
        }
        return (flash, ram, macs)
    }

    /// Flash, peak RAM and MACs as fractions of the dense 8-bit, full-width, full-resolution network.
    public func costs(_ x: [Double]) -> (flash: Double, ram: Double, macs: Double) {
        let c = Self.rawCosts(x, channels: channels, side: side)
        return (c.flash / fullFlash, c.ram / fullRAM, c.macs / fullMACs)
    }

    /// Top-1 error of the compressed network (the proxy described above).
    public func error(_ x: [Double]) -> Double {
        let (prune, bits, width, resolution) = Self.decode(x, layers: layers)
        let keep = Self.kept(prune, width: width)
        var damage = 0.0
        for l in 0..<layers {
            damage += 0.04 * sensitivity[l] * pow(-log(keep[l]), 1.5)
            damage += 0.15 * sensitivity[l] * pow(4, -(bits[l] - 2)) / keep[l]
            if l > 0 { damage += 0.1 * sensitivity[l] * prune[l - 1] * prune[l] }
        }
        damage += 0.6 * pow(1 - resolution, 2)
        return 1 - (0.1 + 0.82 * exp(-damage))
    }

    /// Error, flash as a fraction of the flash budget, MACs as a fraction of the dense network's.
    public func evaluate(_ x: [Double]) -> [Double] {
        let c = costs(x)
        return [error(x), c.flash / Self.flashBudget, c.macs]
    }

    /// Within the flash and RAM budgets.
    public func feasible(_ x: [Double]) -> Bool {
        let c = costs(x)
        return c.flash <= Self.flashBudget && c.ram <= Self.ramBudget
    }

    /// Error 0.6 (worse is useless), the flash budget, all the MACs.
    public var reference: [Double] { [0.6, 1, 1] }

    /// Per-layer descriptors (relative position, share of the dense network's weights and MACs)
    /// for both decisions of a layer, the budget as a known constraint, flash and MACs analytic,
    /// and an initial design of 10 points as a study of a few dozen trainings would use.
    public var domain: SearchDomain {
        let weights: [Double] = (0..<layers).map { l in
            let inputs: Double = l == 0 ? 3 : channels[l - 1]
            return 9 * inputs * channels[l]
        }
        let macs = (0..<layers).map { weights[$0] * side[$0] * side[$0] }
        let totalWeights = weights.reduce(0, +), totalMACs = macs.reduce(0, +)
        var descriptors: [DimensionDescriptor] = []
        for l in 0..<layers {
            let features = [Double(l) / Double(layers - 1), weights[l] / totalWeights, macs[l] / totalMACs]
            descriptors.append(DimensionDescriptor(layer: l, decision: "prune", features: features))
            descriptors.append(DimensionDescriptor(layer: l, decision: "bits", features: features))
        }
        descriptors.append(DimensionDescriptor(decision: "width", features: [0, 0, 0]))
        descriptors.append(DimensionDescriptor(decision: "resolution", features: [0, 0, 0]))
        let problem = self
        return SearchDomain(dimensions: dimensions, descriptors: descriptors, isFeasible: { problem.feasible($0) },
                            analyticObjectives: { x in
                                let c = problem.costs(x)
                                return [nil, c.flash / Self.flashBudget, c.macs]
                            }, initialDesign: 10, reference: reference)
    }
}

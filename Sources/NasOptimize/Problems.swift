import Foundation
import NasCore

/// Standard multi-objective test problems on the unit hypercube, all objectives minimized, for
/// fast experiments with the search strategies.
public enum TestProblem: Sendable, Equatable {
    /// ZDT1 (Zitzler, Deb, Thiele): two objectives, convex front f2 = 1 - sqrt(f1).
    case zdt1(dimensions: Int)
    /// DTLZ2 (Deb et al.): a spherical front; `objectives` objectives.
    case dtlz2(dimensions: Int, objectives: Int)
    /// Branin and Currin's exponential function, two objectives on two inputs.
    case braninCurrin
    /// A synthetic compression search over a CNN's layers (see `CompressionProblem`): error,
    /// flash and MACs under flash and RAM budgets.
    case compression(CompressionProblem)

    public var name: String {
        switch self {
        case .zdt1(let d): return "zdt1(dims: \(d))"
        case .dtlz2(let d, let m): return "dtlz2(dims: \(d), objectives: \(m))"
        case .braninCurrin: return "branin_currin"
        case .compression(let p): return "compression(layers: \(p.layers), seed: \(p.seed))"
        }
    }

    public var dimensions: Int {
        switch self {
        case .zdt1(let d), .dtlz2(let d, _): return d
        case .braninCurrin: return 2
        case .compression(let p): return p.dimensions
        }
    }

    public var objectives: Int {
        switch self {
        case .zdt1, .braninCurrin: return 2
        case .dtlz2(_, let m): return m
        case .compression: return 3
        }
    }

    /// A reference point every sensible solution dominates: slightly beyond each objective's
    /// worst value on the problem's Pareto front (nadir), as is customary for these problems.
    public var reference: [Double] {
        switch self {
        case .zdt1: return [1.1, 1.1]
        case .dtlz2(_, let m): return .init(repeating: 1.1, count: m)
        case .braninCurrin: return [310, 14]  // as BoTorch's BraninCurrin benchmark uses
        case .compression(let p): return p.reference
        }
    }

    /// The unit hypercube with one global descriptor per input, no constraints and the problem's
    /// reference point (the compression problem's own domain for it).
    public var domain: SearchDomain {
        if case .compression(let p) = self { return p.domain }
        return SearchDomain(dimensions: dimensions, reference: reference)
    }

    public func evaluate(_ x: [Double]) -> [Double] {
        switch self {
        case .zdt1(let d):
            let g = 1 + 9 * x.dropFirst().reduce(0, +) / Double(max(1, d - 1))
            return [x[0], g * (1 - (x[0] / g).squareRoot())]
        case .dtlz2(let d, let m):
            let k = d - m + 1
            let g = x.suffix(k).reduce(0) { $0 + ($1 - 0.5) * ($1 - 0.5) }
            return (0..<m).map { i in
                var f = 1 + g
                for j in 0..<(m - 1 - i) { f *= cos(x[j] * .pi / 2) }
                if i > 0 { f *= sin(x[m - 1 - i] * .pi / 2) }
                return f
            }
        case .braninCurrin:
            let u = 15 * x[0] - 5, v = 15 * x[1]
            let t = v - 5.1 / (4 * .pi * .pi) * u * u + 5 / .pi * u - 6
            let branin = t * t + 10 * (1 - 1 / (8 * .pi)) * cos(u) + 10
            let a = x[1] == 0 ? 1 : 1 - exp(-1 / (2 * x[1]))
            let currin = a * (2300 * pow(x[0], 3) + 1900 * x[0] * x[0] + 2092 * x[0] + 60)
                / (100 * pow(x[0], 3) + 500 * x[0] * x[0] + 4 * x[0] + 20)
            return [branin, currin]
        case .compression(let p):
            return p.evaluate(x)
        }
    }
}

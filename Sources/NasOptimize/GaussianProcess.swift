import Foundation

/// A Gaussian-process regression model of one objective over the unit hypercube: Matern-5/2 or
/// RBF kernel with one lengthscale per input (ARD), outputs standardized, hyperparameters
/// fitted by maximizing the log marginal likelihood plus log priors (Gamma priors as BoTorch
/// uses, which keep fits sane with few points).
public struct GaussianProcess: Sendable {
    public enum Kernel: String, Sendable { case matern52, rbf }

    public struct Hyperparameters: Sendable, Equatable {
        public var lengthscales: [Double]
        public var outputScale: Double
        public var noise: Double

        public init(lengthscales: [Double], outputScale: Double, noise: Double) {
            self.lengthscales = lengthscales
            self.outputScale = outputScale
            self.noise = noise
        }
    }

    public let kernel: Kernel
    public let x: [[Double]]
    public private(set) var hyperparameters: Hyperparameters
    let mean: Double
    let scale: Double
    let y: [Double]  // standardized
    private(set) var cholesky: [Double] = []  // lower triangle, row-major n x n
    private(set) var alpha: [Double] = []

    /// Fits to observations; `fit: false` keeps the given hyperparameters (for tests).
    public init(x: [[Double]], y: [Double], kernel: Kernel = .matern52, hyperparameters: Hyperparameters? = nil,
                fit: Bool = true) {
        precondition(!x.isEmpty && x.count == y.count, "a GP needs as many outputs as inputs")
        self.kernel = kernel
        self.x = x
        let m = y.reduce(0, +) / Double(y.count)
        let sd = (y.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(1, y.count - 1))).squareRoot()
        mean = m
        scale = sd > 1e-12 ? sd : 1
        self.y = y.map { ($0 - m) / (sd > 1e-12 ? sd : 1) }
        let d = x[0].count
        self.hyperparameters = hyperparameters
            ?? Hyperparameters(lengthscales: .init(repeating: 0.5 * Double(d).squareRoot() / 2, count: d), outputScale: 1, noise: 1e-3)
        if fit { optimize() }
        factorize()
    }

    // MARK: - Kernel

    func correlation(_ a: [Double], _ b: [Double], _ h: Hyperparameters) -> Double {
        var r2 = 0.0
        for i in a.indices {
            let t = (a[i] - b[i]) / h.lengthscales[i]
            r2 += t * t
        }
        switch kernel {
        case .rbf: return exp(-0.5 * r2)
        case .matern52:
            let r = (5 * r2).squareRoot()
            return (1 + r + r * r / 3) * exp(-r)
        }
    }

    func covariance(_ h: Hyperparameters) -> [Double] {
        let n = x.count
        var k = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                let v = h.outputScale * correlation(x[i], x[j], h)
                k[i * n + j] = v
                k[j * n + i] = v
            }
            k[i * n + i] += h.noise
        }
        return k
    }

    /// Cholesky factor, adding jitter (10^-9 of the diagonal, growing tenfold) until the matrix
    /// is numerically positive definite: duplicate points must not stop a search.
    static func choleskyWithJitter(_ a: [Double], _ n: Int) -> [Double] {
        let base = (0..<n).reduce(0.0) { $0 + a[$1 * n + $1] } / Double(max(1, n))
        var jitter = 0.0
        while true {
            if let l = cholesky(a, n, jitter: jitter) { return l }
            jitter = jitter == 0 ? base * 1e-9 : jitter * 10
        }
    }

    static func cholesky(_ a: [Double], _ n: Int, jitter: Double) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j] + (i == j ? jitter : 0)
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 0, sum.isFinite else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        return l
    }

    /// Solves L L^T z = b.
    static func solve(_ l: [Double], _ n: Int, _ b: [Double]) -> [Double] {
        var z = b
        for i in 0..<n {
            for k in 0..<i { z[i] -= l[i * n + k] * z[k] }
            z[i] /= l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<n { z[i] -= l[k * n + i] * z[k] }
            z[i] /= l[i * n + i]
        }
        return z
    }

    mutating func factorize() {
        let n = x.count
        cholesky = Self.choleskyWithJitter(covariance(hyperparameters), n)
        alpha = Self.solve(cholesky, n, y)
    }

    // MARK: - Fitting

    /// Log marginal likelihood of the standardized outputs plus the log priors.
    public func objective(_ h: Hyperparameters) -> Double {
        let n = x.count
        let l = Self.choleskyWithJitter(covariance(h), n)
        let a = Self.solve(l, n, y)
        var value = -0.5 * zip(y, a).reduce(0) { $0 + $1.0 * $1.1 } - 0.5 * Double(n) * log(2 * .pi)
        for i in 0..<n { value -= log(l[i * n + i]) }
        return value + Self.logPrior(h)
    }

    /// Gamma(3, 6) on lengthscales, Gamma(2, 0.15) on the output scale, Gamma(1.1, 0.05) on the noise
    /// (shape, rate), up to constants.
    static func logPrior(_ h: Hyperparameters) -> Double {
        func gamma(_ v: Double, _ shape: Double, _ rate: Double) -> Double { (shape - 1) * log(v) - rate * v }
        return h.lengthscales.reduce(0) { $0 + gamma($1, 3, 6) } + gamma(h.outputScale, 2, 0.15) + gamma(h.noise, 1.1, 0.05)
    }

    /// Maximizes the objective over log-hyperparameters by coordinate-wise golden-section
    /// steps: robust, derivative-free, and cheap at the sizes a search sees (up to a few hundred points).
    mutating func optimize() {
        var best = hyperparameters
        var bestValue = objective(best)
        let d = best.lengthscales.count
        for _ in 0..<3 {
            for coordinate in 0..<(d + 2) {
                func with(_ logValue: Double) -> Hyperparameters {
                    var h = best
                    let v = exp(logValue)
                    switch coordinate {
                    case ..<d: h.lengthscales[coordinate] = min(max(v, 1e-3), 1e2)
                    case d: h.outputScale = min(max(v, 1e-3), 1e2)
                    default: h.noise = min(max(v, 1e-6), 1)
                    }
                    return h
                }
                let current = coordinate < d ? best.lengthscales[coordinate] : coordinate == d ? best.outputScale : best.noise
                var lo = log(current) - 3, hi = log(current) + 3
                let phi = (5.0.squareRoot() - 1) / 2
                var a = hi - phi * (hi - lo), b = lo + phi * (hi - lo)
                var fa = objective(with(a)), fb = objective(with(b))
                for _ in 0..<14 {
                    if fa > fb {
                        hi = b; b = a; fb = fa; a = hi - phi * (hi - lo); fa = objective(with(a))
                    } else {
                        lo = a; a = b; fa = fb; b = lo + phi * (hi - lo); fb = objective(with(b))
                    }
                }
                let candidate = with(fa > fb ? a : b), value = max(fa, fb)
                if value > bestValue {
                    best = candidate
                    bestValue = value
                }
            }
        }
        hyperparameters = best
    }

    // MARK: - Prediction

    /// Posterior mean and variance (of the latent function, in the original units) at a point.
    public func predict(_ point: [Double]) -> (mean: Double, variance: Double) {
        let n = x.count, h = hyperparameters
        let k = x.map { h.outputScale * correlation($0, point, h) }
        let mu = zip(k, alpha).reduce(0) { $0 + $1.0 * $1.1 }
        // v = L^-1 k
        var v = k
        for i in 0..<n {
            for j in 0..<i { v[i] -= cholesky[i * n + j] * v[j] }
            v[i] /= cholesky[i * n + i]
        }
        let variance = max(h.outputScale - v.reduce(0) { $0 + $1 * $1 }, 1e-12)
        return (mean + scale * mu, scale * scale * variance)
    }
}

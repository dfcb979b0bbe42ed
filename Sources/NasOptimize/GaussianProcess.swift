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
        let ok = l.withUnsafeMutableBufferPointer { lp -> Bool in
            a.withUnsafeBufferPointer { ap in
                let L = lp.baseAddress!, A = ap.baseAddress!
                for i in 0..<n {
                    let ri = L + i * n
                    for j in 0...i {
                        let rj = L + j * n
                        var sum = A[i * n + j] + (i == j ? jitter : 0)
                        for k in 0..<j { sum -= ri[k] * rj[k] }
                        if i == j {
                            guard sum > 0, sum.isFinite else { return false }
                            ri[i] = sum.squareRoot()
                        } else {
                            ri[j] = sum / rj[j]
                        }
                    }
                }
                return true
            }
        }
        return ok ? l : nil
    }

    /// Solves L L^T z = b.
    static func solve(_ l: [Double], _ n: Int, _ b: [Double]) -> [Double] {
        var z = b
        l.withUnsafeBufferPointer { lp in
            z.withUnsafeMutableBufferPointer { zp in
                let L = lp.baseAddress!, Z = zp.baseAddress!
                for i in 0..<n {
                    let ri = L + i * n
                    var v = Z[i]
                    for k in 0..<i { v -= ri[k] * Z[k] }
                    Z[i] = v / ri[i]
                }
                for i in stride(from: n - 1, through: 0, by: -1) {
                    var v = Z[i]
                    for k in (i + 1)..<n { v -= L[k * n + i] * Z[k] }
                    Z[i] = v / L[i * n + i]
                }
            }
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
        factorized(h).value
    }

    /// Cholesky factor, α = K⁻¹ y and the objective's value for hyperparameters `h`.
    func factorized(_ h: Hyperparameters) -> (l: [Double], alpha: [Double], value: Double) {
        let n = x.count
        let l = Self.choleskyWithJitter(covariance(h), n)
        let a = Self.solve(l, n, y)
        var value = -0.5 * zip(y, a).reduce(0) { $0 + $1.0 * $1.1 } - 0.5 * Double(n) * log(2 * .pi)
        for i in 0..<n { value -= log(l[i * n + i]) }
        return (l, a, value + Self.logPrior(h))
    }

    /// Gamma(3, 6) on lengthscales, Gamma(2, 0.15) on the output scale, Gamma(1.1, 0.05) on the noise
    /// (shape, rate), up to constants.
    static func logPrior(_ h: Hyperparameters) -> Double {
        func gamma(_ v: Double, _ shape: Double, _ rate: Double) -> Double { (shape - 1) * log(v) - rate * v }
        return h.lengthscales.reduce(0) { $0 + gamma($1, 3, 6) } + gamma(h.outputScale, 2, 0.15) + gamma(h.noise, 1.1, 0.05)
    }

    /// The objective and its gradient with respect to the log-hyperparameters
    /// (lengthscales..., output scale, noise): d/dθ = ½ tr((α αᵀ − K⁻¹) ∂K/∂θ) plus the priors'.
    func objectiveAndGradient(_ h: Hyperparameters) -> (Double, [Double]) {
        let n = x.count, d = h.lengthscales.count
        let (l, a, value) = factorized(h)
        // K⁻¹ column by column, then W = α αᵀ − K⁻¹.
        var inverse = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var e = [Double](repeating: 0, count: n)
            e[j] = 1
            let column = Self.solve(l, n, e)
            for i in 0..<n { inverse[i * n + j] = column[i] }
        }
        var gradient = [Double](repeating: 0, count: d + 2)
        let inverseLengths = h.lengthscales.map { 1 / $0 }
        var scaled = [Double](repeating: 0, count: d)
        for i in 0..<n {
            let xi = x[i]
            gradient[d + 1] += 0.5 * (a[i] * a[i] - inverse[i * n + i]) * h.noise
            // K and W are symmetric: visit j <= i once, counting off-diagonal pairs twice.
            for j in 0...i {
                let w = (a[i] * a[j] - inverse[i * n + j]) * (i == j ? 1 : 2)
                let xj = x[j]
                var r2 = 0.0
                for k in 0..<d {
                    let t = (xi[k] - xj[k]) * inverseLengths[k]
                    scaled[k] = t * t
                    r2 += scaled[k]
                }
                let corr: Double, radial: Double  // κ(r) and the factor multiplying (Δ_k/ℓ_k)² in ∂K/∂log ℓ_k
                switch kernel {
                case .rbf:
                    corr = exp(-0.5 * r2)
                    radial = h.outputScale * corr
                case .matern52:
                    let r = (5 * r2).squareRoot()
                    let e = exp(-r)
                    corr = (1 + r + r * r / 3) * e
                    radial = h.outputScale * (5.0 / 3) * (1 + r) * e
                }
                gradient[d] += 0.5 * w * h.outputScale * corr
                let factor = 0.5 * w * radial
                for k in 0..<d { gradient[k] += factor * scaled[k] }
            }
        }
        // Priors: d/dlog v of (shape - 1) log v - rate v.
        for k in 0..<d { gradient[k] += 2 - 6 * h.lengthscales[k] }
        gradient[d] += 1 - 0.15 * h.outputScale
        gradient[d + 1] += 0.1 - 0.05 * h.noise
        return (value, gradient)
    }

    /// Maximizes the objective by Adam on log-hyperparameters (bounded), keeping the best point
    /// seen: one Cholesky and one inverse per step, so fits stay cheap at a few hundred points.
    mutating func optimize() {
        let d = hyperparameters.lengthscales.count
        func pack(_ h: Hyperparameters) -> [Double] { h.lengthscales.map { log($0) } + [log(h.outputScale), log(h.noise)] }
        func unpack(_ v: [Double]) -> Hyperparameters {
            Hyperparameters(lengthscales: (0..<d).map { min(max(exp(v[$0]), 1e-3), 1e2) },
                            outputScale: min(max(exp(v[d]), 1e-3), 1e2), noise: min(max(exp(v[d + 1]), 1e-6), 1))
        }
        var theta = pack(hyperparameters)
        var m = [Double](repeating: 0, count: d + 2), v = m
        var best = (value: -Double.infinity, h: hyperparameters)
        for step in 1...60 {
            let h = unpack(theta)
            let (value, gradient) = objectiveAndGradient(h)
            if value > best.value { best = (value, h) }
            for k in theta.indices {
                m[k] = 0.9 * m[k] + 0.1 * gradient[k]
                v[k] = 0.999 * v[k] + 0.001 * gradient[k] * gradient[k]
                let mHat = m[k] / (1 - pow(0.9, Double(step))), vHat = v[k] / (1 - pow(0.999, Double(step)))
                theta[k] += 0.1 * mHat / (vHat.squareRoot() + 1e-8)
            }
            theta = pack(unpack(theta))  // stay inside the bounds
        }
        hyperparameters = best.h
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

    /// One draw of the latent function jointly at `points` (original units), as Thompson
    /// sampling needs: μ + C z with C the Cholesky factor of the posterior covariance
    /// K** − K*ₓ K⁻¹ Kₓ* and z = `normals` (one standard normal per point, so a seeded caller
    /// gets the same draw for the same model). Costs O(p² n + p³) for p points.
    public func sample(at points: [[Double]], normals: [Double]) -> [Double] {
        precondition(normals.count == points.count, "one normal per point")
        let n = x.count, p = points.count, h = hyperparameters
        // Column c of V = L⁻¹ Kₓ*, stored row-major p x n (row c is the solve for point c).
        var v = [Double](repeating: 0, count: p * n)
        var means = [Double](repeating: 0, count: p)
        for c in 0..<p {
            var mu = 0.0
            for i in 0..<n {
                let k = h.outputScale * correlation(x[i], points[c], h)
                mu += k * alpha[i]
                var value = k
                for j in 0..<i { value -= cholesky[i * n + j] * v[c * n + j] }
                v[c * n + i] = value / cholesky[i * n + i]
            }
            means[c] = mu
        }
        var covariance = [Double](repeating: 0, count: p * p)
        v.withUnsafeBufferPointer { vp in
            let V = vp.baseAddress!
            for a in 0..<p {
                for b in 0...a {
                    var dot = 0.0
                    for i in 0..<n { dot += V[a * n + i] * V[b * n + i] }
                    let value = h.outputScale * correlation(points[a], points[b], h) - dot
                    covariance[a * p + b] = value
                    covariance[b * p + a] = value
                }
            }
        }
        // The posterior covariance is only positive semi-definite (points near the data, or
        // duplicates): the jittered factor adds what it needs, from 10⁻⁹ of the diagonal up.
        for a in 0..<p { covariance[a * p + a] = max(covariance[a * p + a], 1e-12) + 1e-9 * h.outputScale }
        let factor = Self.choleskyWithJitter(covariance, p)
        return (0..<p).map { a in
            var draw = means[a]
            for b in 0...a { draw += factor[a * p + b] * normals[b] }
            return mean + scale * draw
        }
    }
}

extension GaussianProcess {
    /// This model conditioned on `points` observed at its own posterior mean: the Kriging
    /// believer's model (see `BelievingStrategy`). Hyperparameters and the output
    /// standardization stay those fitted to the real observations, so the fantasies change no
    /// lengthscale and no scale, and the posterior mean stays what it was everywhere; the
    /// variance near `points` shrinks.
    public func believing(_ points: [[Double]]) -> GaussianProcess {
        guard !points.isEmpty else { return self }
        return GaussianProcess(believing: self, at: points, standardizedMeans: points.map { (predict($0).mean - mean) / scale })
    }

    private init(believing model: GaussianProcess, at points: [[Double]], standardizedMeans: [Double]) {
        kernel = model.kernel
        x = model.x + points
        y = model.y + standardizedMeans
        mean = model.mean
        scale = model.scale
        hyperparameters = model.hyperparameters
        factorize()
    }
}

import Foundation
import XCTest
@testable import NasOptimize

final class GaussianProcessTests: XCTestCase {
    /// With fixed hyperparameters the posterior is the textbook formula; check it on two points
    /// with an explicit 2x2 inverse.
    func testPosteriorMatchesClosedForm() {
        let h = GaussianProcess.Hyperparameters(lengthscales: [0.7], outputScale: 1.3, noise: 0.01)
        for kernel in [GaussianProcess.Kernel.rbf, .matern52] {
            let gp = GaussianProcess(x: [[0.1], [0.8]], y: [2, -1], kernel: kernel, hyperparameters: h, fit: false)
            func corr(_ a: Double, _ b: Double) -> Double {
                let r = abs(a - b) / 0.7
                return kernel == .rbf ? exp(-0.5 * r * r) : (1 + 5.0.squareRoot() * r + 5 * r * r / 3) * exp(-5.0.squareRoot() * r)
            }
            // Standardized outputs: mean 0.5, sample sd sqrt(4.5).
            let m = 0.5, s = 4.5.squareRoot()
            let ys = [(2 - m) / s, (-1 - m) / s]
            let k11 = 1.3 + 0.01, k22 = 1.3 + 0.01, k12 = 1.3 * corr(0.1, 0.8)
            let det = k11 * k22 - k12 * k12
            let inv = [[k22 / det, -k12 / det], [-k12 / det, k11 / det]]
            for point in [0.0, 0.1, 0.45, 1.0] {
                let ks = [1.3 * corr(0.1, point), 1.3 * corr(0.8, point)]
                let alpha = [inv[0][0] * ys[0] + inv[0][1] * ys[1], inv[1][0] * ys[0] + inv[1][1] * ys[1]]
                let mean = m + s * (ks[0] * alpha[0] + ks[1] * alpha[1])
                let quad = ks[0] * (inv[0][0] * ks[0] + inv[0][1] * ks[1]) + ks[1] * (inv[1][0] * ks[0] + inv[1][1] * ks[1])
                let variance = s * s * (1.3 - quad)
                let p = gp.predict([point])
                XCTAssertEqual(p.mean, mean, accuracy: 1e-9, "\(kernel) at \(point)")
                XCTAssertEqual(p.variance, variance, accuracy: 1e-9, "\(kernel) at \(point)")
            }
        }
    }

    func testDuplicatePointsDoNotBreakTheFactorization() {
        let h = GaussianProcess.Hyperparameters(lengthscales: [0.5, 0.5], outputScale: 1, noise: 1e-12)
        let gp = GaussianProcess(x: [[0.3, 0.3], [0.3, 0.3], [0.3, 0.3], [0.9, 0.1]], y: [1, 1, 1.0001, 0], hyperparameters: h, fit: false)
        let p = gp.predict([0.5, 0.5])
        XCTAssertTrue(p.mean.isFinite && p.variance.isFinite && p.variance > 0)
    }

    /// Fitted hyperparameters raise the objective and model a smooth function well.
    func testFittingLearnsASmoothFunction() {
        let xs = (0..<14).map { [Double($0) / 13] }
        let f = { (x: Double) in sin(6 * x) + 0.5 * x }
        let unfitted = GaussianProcess(x: xs, y: xs.map { f($0[0]) }, fit: false)
        let gp = GaussianProcess(x: xs, y: xs.map { f($0[0]) })
        XCTAssertGreaterThan(gp.objective(gp.hyperparameters), unfitted.objective(unfitted.hyperparameters))
        var squared = 0.0
        for i in 0..<50 {
            let x = (Double(i) + 0.5) / 50
            squared += pow(gp.predict([x]).mean - f(x), 2)
        }
        XCTAssertLessThan((squared / 50).squareRoot(), 0.05)
    }
}

final class GaussianProcessGradientTests: XCTestCase {
    /// The analytic gradient of the fitting objective matches central differences.
    func testGradientMatchesFiniteDifferences() {
        let xs = (0..<9).map { i in [Double(i) / 8, Double((i * 5) % 9) / 8] }
        let ys = xs.map { sin(4 * $0[0]) + $0[1] * $0[1] }
        for kernel in [GaussianProcess.Kernel.matern52, .rbf] {
            let h = GaussianProcess.Hyperparameters(lengthscales: [0.4, 0.7], outputScale: 1.2, noise: 0.05)
            let gp = GaussianProcess(x: xs, y: ys, kernel: kernel, hyperparameters: h, fit: false)
            let (_, gradient) = gp.objectiveAndGradient(h)
            func shifted(_ k: Int, _ e: Double) -> GaussianProcess.Hyperparameters {
                var g = h
                switch k {
                case 0, 1: g.lengthscales[k] *= exp(e)
                case 2: g.outputScale *= exp(e)
                default: g.noise *= exp(e)
                }
                return g
            }
            for k in 0..<4 {
                let numeric = (gp.objective(shifted(k, 1e-5)) - gp.objective(shifted(k, -1e-5))) / 2e-5
                XCTAssertEqual(gradient[k], numeric, accuracy: 1e-4 * max(1, abs(numeric)), "\(kernel) parameter \(k)")
            }
        }
    }
}

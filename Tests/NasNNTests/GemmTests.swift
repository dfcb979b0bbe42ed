import CNasKernels
import XCTest
@testable import NasNN

/// nas_sgemm against a double-precision reference on random shapes, strides (transposes),
/// edge tiles, K beyond one cache block, and accumulation, for every kernel this CPU runs.
final class GemmTests: XCTestCase {
    func reference(_ m: Int, _ n: Int, _ k: Int, _ a: [Float], _ rsa: Int, _ csa: Int,
                   _ b: [Float], _ rsb: Int, _ csb: Int, _ c: [Float], accumulate: Bool) -> [Double] {
        var out = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = accumulate ? Double(c[i * n + j]) : 0
                for p in 0..<k { sum += Double(a[i * rsa + p * csa]) * Double(b[p * rsb + j * csb]) }
                out[i * n + j] = sum
            }
        }
        return out
    }

    func testAgainstReference() throws {
        defer { _ = nas_kernels_select(nil) }
        var rng = TestRng(state: 5)
        var ran: [String] = []
        for isa in ["avx512", "avx2", "scalar"] {
            guard nas_kernels_select(isa) == 1 else { continue }
            ran.append(isa)
            for trial in 0..<60 {
                let m = 1 + Int(rng.next() % 70), n = 1 + Int(rng.next() % 70)
                let k = trial % 10 == 0 ? 257 + Int(rng.next() % 300) : 1 + Int(rng.next() % 40)
                let transA = rng.next() % 2 == 0, transB = rng.next() % 2 == 0
                let accumulate = rng.next() % 2 == 0
                let a = (0..<(m * k)).map { _ in rng.uniform() }, b = (0..<(k * n)).map { _ in rng.uniform() }
                var c = (0..<(m * n)).map { _ in rng.uniform() }
                let (rsa, csa) = transA ? (1, m) : (k, 1)
                let (rsb, csb) = transB ? (1, k) : (n, 1)
                let expected = reference(m, n, k, a, rsa, csa, b, rsb, csb, c, accumulate: accumulate)
                nas_sgemm(Int32(m), Int32(n), Int32(k), a, rsa, csa, b, rsb, csb, &c, n, accumulate ? 1 : 0)
                for i in 0..<(m * n) {
                    XCTAssertEqual(Double(c[i]), expected[i], accuracy: 1e-4 * Double(k),
                                   "\(isa) m\(m) n\(n) k\(k) transA \(transA) transB \(transB) at \(i)")
                }
            }
        }
        XCTAssertTrue(ran.contains("scalar"))
        print("checked kernels:", ran)
    }
}

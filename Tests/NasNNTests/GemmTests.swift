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

    /// An offset table as the C function takes it, or nil (the stride) when not `used`.
    private func table(_ offsets: [Int], _ used: Bool, _ body: (UnsafePointer<Int>?) -> Void) {
        offsets.withUnsafeBufferPointer { body(used ? $0.baseAddress : nil) }
    }

    /// nas_sgemm_indexed: rows of A and C and the depth of A and B picked by offset tables
    /// (gaps, reordering, C rows overlapping in memory), each table also left out, against the
    /// same double reference; and bit for bit nas_sgemm when the tables spell plain strides.
    func testIndexedAgainstReference() throws {
        defer { _ = nas_kernels_select(nil) }
        var rng = TestRng(state: 9)
        for isa in ["avx512", "avx2", "scalar"] {
            guard nas_kernels_select(isa) == 1 else { continue }
            for trial in 0..<40 {
                let m = 1 + Int(rng.next() % 50), n = 1 + Int(rng.next() % 40)
                let k = trial % 8 == 0 ? 257 + Int(rng.next() % 200) : 1 + Int(rng.next() % 40)
                let useTables = (0..<4).map { _ in rng.next() % 4 != 0 }
                let accumulate = rng.next() % 2 == 0
                // A is a pool read through offsets: row i at 3 i + (gap), depth k at 5 k (tables)
                // or at rsa = 5 k + 3 and csa = 1 (strides).
                let aRow = (0..<m).map { 7 * $0 + Int(rng.next() % 3) }, aK = (0..<k).map { 5 * (k - 1 - $0) }
                let rsa = k + 3
                let aPool = (0..<(7 * m + 5 * k + rsa * m + k)).map { _ in rng.uniform() }
                let bK = (0..<k).map { (n + 2) * ((k - 1 - $0) * 2) }
                let bPool = (0..<((n + 2) * 2 * k + n * k + n)).map { _ in rng.uniform() }
                // C rows 2 apart but n wide: they overlap, as an input gradient's views do.
                let overlapping = useTables[3] && n > 2 && !accumulate
                let cRow = (0..<m).map { overlapping ? 2 * $0 : (n + 1) * $0 }
                var c = (0..<((n + 1) * m + n)).map { _ in rng.uniform() }
                func a(_ i: Int, _ p: Int) -> Double {
                    Double(aPool[(useTables[0] ? aRow[i] : i * rsa) + (useTables[1] ? aK[p] : p)])
                }
                func b(_ p: Int, _ j: Int) -> Double { Double(bPool[(useTables[2] ? bK[p] : p * n) + j]) }
                var expected = c.map(Double.init)
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0
                        for p in 0..<k { sum += a(i, p) * b(p, j) }
                        let at = (useTables[3] ? cRow[i] : i * n) + j
                        expected[at] = (accumulate || overlapping ? expected[at] : 0) + sum
                    }
                }
                table(aRow, useTables[0]) { rows in
                    table(aK, useTables[1]) { depth in
                        table(bK, useTables[2]) { bDepth in
                            table(cRow, useTables[3]) { cRows in
                                nas_sgemm_indexed(Int32(m), Int32(n), Int32(k), aPool, rows, rsa, depth, 1, bPool, bDepth, n, 1,
                                                  &c, cRows, n, accumulate || overlapping ? 1 : 0)
                            }
                        }
                    }
                }
                for i in 0..<expected.count {
                    XCTAssertEqual(Double(c[i]), expected[i], accuracy: 1e-4 * Double(k),
                                   "\(isa) m\(m) n\(n) k\(k) tables \(useTables) at \(i)")
                }
            }
            // Tables that spell the strides give nas_sgemm's bits.
            let m = 37, n = 21, k = 300
            let a = (0..<(m * k)).map { _ in rng.uniform() }, b = (0..<(k * n)).map { _ in rng.uniform() }
            var plain = [Float](repeating: 0, count: m * n), indexed = plain
            nas_sgemm(Int32(m), Int32(n), Int32(k), a, k, 1, b, n, 1, &plain, n, 0)
            nas_sgemm_indexed(Int32(m), Int32(n), Int32(k), a, (0..<m).map { $0 * k }, 0, Array(0..<k), 0,
                              b, (0..<k).map { $0 * n }, 0, 1, &indexed, (0..<m).map { $0 * n }, 0, 0)
            XCTAssertEqual(plain, indexed, isa)
        }
    }
}

import NasData
import XCTest
@testable import NasOptimize

final class HypervolumeTests: XCTestCase {
    /// Exact union volume on the grid of all coordinates: a cell counts when some point
    /// dominates its lower corner.
    func bruteForce(_ points: [[Double]], _ reference: [Double]) -> Double {
        let m = reference.count
        let axes = (0..<m).map { d in Array(Set(points.map { min($0[d], reference[d]) } + [reference[d]])).sorted() }
        var volume = 0.0
        var index = [Int](repeating: 0, count: m)
        while true {
            if (0..<m).allSatisfy({ index[$0] + 1 < axes[$0].count }) {
                let corner = (0..<m).map { axes[$0][index[$0]] }
                if points.contains(where: { p in (0..<m).allSatisfy { p[$0] <= corner[$0] } }) {
                    volume += (0..<m).reduce(1.0) { $0 * (axes[$1][index[$1] + 1] - axes[$1][index[$1]]) }
                }
            }
            var d = 0
            while d < m {
                index[d] += 1
                if index[d] < axes[d].count { break }
                index[d] = 0
                d += 1
            }
            if d == m { break }
        }
        return volume
    }

    func testAgainstBruteForceOnRandomSets() {
        var rng = SeededGenerator(seed: 11)
        for m in 2...5 {
            for trial in 0..<(m <= 3 ? 300 : 60) {
                let n = 1 + rng.nextInt(below: m <= 3 ? 12 : 7)
                // Coarse grids make ties and duplicates common.
                let grid = trial % 3 == 0 ? 4.0 : 1000.0
                let points = (0..<n).map { _ in (0..<m).map { _ in (Double(rng.nextFloat()) * grid).rounded() / grid } }
                let reference = [Double](repeating: 1.05, count: m)
                XCTAssertEqual(Hypervolume.of(points, reference: reference), bruteForce(points, reference), accuracy: 1e-9,
                               "m \(m) points \(points)")
            }
        }
    }

    func testPointsOutsideTheReferenceCountNothing() {
        XCTAssertEqual(Hypervolume.of([[2, 0], [0, 2]], reference: [1, 1]), 0)
        XCTAssertEqual(Hypervolume.of([[0.5, 0.5], [1.5, 0]], reference: [1, 1]), 0.25)
    }

    func testContributions() {
        let points: [[Double]] = [[0, 2], [1, 1], [2, 0], [1.5, 1.5]]
        let c = Hypervolume.contributions(points, reference: [3, 3])
        XCTAssertEqual(c, [1, 0.75, 1, 0])  // [1.5, 1.5] takes a quarter of [1, 1]'s share
    }

    func testFronts() {
        let points: [[Double]] = [[1, 1], [2, 2], [0, 3], [3, 0], [2, 2], [4, 4]]
        XCTAssertEqual(Pareto.fronts(points), [[0, 2, 3], [1, 4], [5]])
    }
}

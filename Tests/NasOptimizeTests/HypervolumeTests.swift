import NasCore
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
                // The grid grows as n^m: inclusion-exclusion (2^n terms) is the faster reference above 3-D.
                let expected = m <= 3 ? bruteForce(points, reference) : inclusionExclusion(points, reference)
                XCTAssertEqual(Hypervolume.of(points, reference: reference), expected, accuracy: 1e-9, "m \(m) points \(points)")
            }
        }
    }

    /// Inclusion-exclusion over every subset of the points inside the reference: the volume of a
    /// union of boxes, each subset adding or removing the box its members share. 2^n terms.
    func inclusionExclusion(_ points: [[Double]], _ reference: [Double]) -> Double {
        let inside = points.filter { p in zip(p, reference).allSatisfy { $0 < $1 } }
        var volume = 0.0
        for subset in 1..<(1 << inside.count) {
            var corner = [Double](repeating: -.infinity, count: reference.count)
            for (i, p) in inside.enumerated() where subset & (1 << i) != 0 {
                for k in corner.indices { corner[k] = max(corner[k], p[k]) }
            }
            let box = zip(reference, corner).reduce(1.0) { $0 * ($1.0 - $1.1) }
            volume += subset.nonzeroBitCount % 2 == 1 ? box : -box
        }
        return volume
    }

    /// The Swift sweep the 3-D C kernel replaced (same arithmetic in the same order), kept as
    /// its reference: the kernel must match it bit for bit, so 3-objective results are unchanged.
    func threeD(_ points: [[Double]], reference r: [Double]) -> Double {
        let sorted = points.sorted { $0[2] < $1[2] }
        var xs: [Double] = [], ys: [Double] = []
        var area = 0.0, volume = 0.0
        for (index, p) in sorted.enumerated() {
            let x = p[0], y = p[1]
            // First staircase point with xs >= x.
            var lo = 0, hi = xs.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if xs[mid] < x { lo = mid + 1 } else { hi = mid }
            }
            // Dominated in 2-D by the point just left of it (smaller x, y no larger)?
            let dominatedLeft = lo > 0 && ys[lo - 1] <= y
            let dominatedEqual = lo < xs.count && xs[lo] == x && ys[lo] <= y
            if !dominatedLeft && !dominatedEqual {
                // Points from lo on with y >= this y are now dominated: remove them, adjusting area.
                var end = lo
                while end < xs.count && ys[end] >= y { end += 1 }
                // Area added = region dominated by the new point minus what was already covered.
                let upperY = lo > 0 ? ys[lo - 1] : r[1]
                var covered = 0.0
                // Covered part of [x, r0) x [y, upperY): the removed points' staircase plus the
                // first remaining point's strip.
                var previousX = x
                var stairY = upperY
                for k in lo..<end {
                    covered += (xs[k] - previousX) * (upperY - stairY)
                    previousX = xs[k]
                    stairY = ys[k]
                }
                let nextX = end < xs.count ? xs[end] : r[0]
                covered += (nextX - previousX) * (upperY - stairY)
                if end < xs.count {
                    covered += (r[0] - nextX) * (upperY - y)
                }
                let full = (r[0] - x) * (upperY - y)
                area += full - covered
                xs.replaceSubrange(lo..<end, with: [x])
                ys.replaceSubrange(lo..<end, with: [y])
            }
            let nextZ = index + 1 < sorted.count ? sorted[index + 1][2] : r[2]
            volume += area * (nextZ - p[2])
        }
        return volume
    }


    func testThreeDKernelMatchesTheSwiftSweepBitForBit() {
        var rng = SeededGenerator(seed: 31)
        let reference = [1.05, 1.05, 1.05]
        for trial in 0..<200 {
            let points = trial % 10 == 0 ? sphere(500, 3, &rng) : awkwardSet(3, 40, trial, &rng)
            let inside = points.filter { p in zip(p, reference).allSatisfy { $0 < $1 } }
            XCTAssertEqual(Hypervolume.of(points, reference: reference), threeD(inside, reference: reference), "points \(points)")
        }
    }

    /// Hypervolume by slicing along the last objective (HSO) down to the 3-D sweep: slow, but
    /// independent of the C kernels, so it checks them on sets too big for the grid.
    func slicing(_ points: [[Double]], _ reference: [Double]) -> Double {
        let m = reference.count
        let inside = points.filter { p in zip(p, reference).allSatisfy { $0 < $1 } }
        if m == 3 { return threeD(inside, reference: reference) }
        if m < 3 { return Hypervolume.of(inside, reference: reference) }
        let sorted = inside.sorted { $0[m - 1] < $1[m - 1] }
        var volume = 0.0
        var slab: [[Double]] = []
        for (index, p) in sorted.enumerated() {
            slab.append(Array(p.prefix(m - 1)))
            let nextZ = index + 1 < sorted.count ? sorted[index + 1][m - 1] : reference[m - 1]
            if nextZ > p[m - 1] {
                slab = Pareto.front(slab).map { slab[$0] }
                volume += slicing(slab, Array(reference.prefix(m - 1))) * (nextZ - p[m - 1])
            }
        }
        return volume
    }

    /// n points on the positive unit sphere in m dimensions: all mutually non-dominated.
    func sphere(_ n: Int, _ m: Int, _ rng: inout SeededGenerator) -> [[Double]] {
        (0..<n).map { _ in
            let g = (0..<m).map { _ in abs(Double(rng.nextNormal())) + 1e-9 }
            let norm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return g.map { $0 / norm }
        }
    }

    /// Random sets with the degenerate cases mixed in: coarse grids (ties, duplicates), copies,
    /// dominated points, points on or beyond the reference.
    func awkwardSet(_ m: Int, _ maxCount: Int, _ trial: Int, _ rng: inout SeededGenerator) -> [[Double]] {
        let n = 1 + rng.nextInt(below: maxCount)
        let grid = trial % 3 == 0 ? 3.0 : 1000.0
        var points = (0..<n).map { _ in (0..<m).map { _ in (Double(rng.nextFloat()) * 1.2 * grid).rounded() / grid } }
        if trial % 4 == 1 { points.append(points[0]) }
        if trial % 5 == 2 { points.append(points[0].map { $0 + 0.01 }) }
        if trial % 7 == 3 { var p = points[0]; p[rng.nextInt(below: m)] = 1.05; points.append(p) }
        return points
    }

    func testKernelsAgainstBruteForceInTwoToSixDimensions() {
        var rng = SeededGenerator(seed: 21)
        let reference = { (m: Int) in [Double](repeating: 1.05, count: m) }
        for m in 2...6 {
            for trial in 0..<(m <= 4 ? 150 : 80) {
                let points = awkwardSet(m, m <= 4 ? 9 : 6, trial, &rng)
                let volume = Hypervolume.of(points, reference: reference(m))
                XCTAssertEqual(volume, inclusionExclusion(points, reference(m)), accuracy: 1e-9, "m \(m) points \(points)")
                if m <= 3 { XCTAssertEqual(volume, bruteForce(points, reference(m)), accuracy: 1e-9, "m \(m) points \(points)") }
            }
        }
    }

    func testDegenerateSets() {
        XCTAssertEqual(Hypervolume.of([[]], reference: []), 0, "no objectives")
        XCTAssertEqual(Hypervolume.of([[0.5, 0.5, 0.5, 0.5]], reference: [1, 1, 1]), 0, "the wrong number of objectives")
        for m in 2...6 {
            let r = [Double](repeating: 1, count: m)
            let p = [Double](repeating: 0.5, count: m)
            let box = pow(0.5, Double(m))
            XCTAssertEqual(Hypervolume.of([], reference: r), 0)
            XCTAssertEqual(Hypervolume.of([p], reference: r), box, accuracy: 1e-15)
            XCTAssertEqual(Hypervolume.of([p, p, p], reference: r), box, accuracy: 1e-15, "duplicates")
            XCTAssertEqual(Hypervolume.of([p, p.map { $0 + 0.1 }], reference: r), box, accuracy: 1e-15, "a dominated point")
            var onReference = p
            onReference[m - 1] = 1
            XCTAssertEqual(Hypervolume.of([p, onReference, r.map { $0 + 1 }], reference: r), box, accuracy: 1e-15, "outside")
            // Points sharing every coordinate but one: the union of two boxes.
            var other = p
            other[0] = 0.25
            other[m - 1] = 0.75
            XCTAssertEqual(Hypervolume.of([p, other], reference: r), box + 0.25 * 0.25 * pow(0.5, Double(m - 2)), accuracy: 1e-15)
        }
    }

    func testLargeSetsAgainstSlicing() {
        var rng = SeededGenerator(seed: 5)
        for (m, n) in [(4, 300), (5, 120), (6, 40)] {
            let reference = [Double](repeating: 1.1, count: m)
            let front = sphere(n, m, &rng)
            XCTAssertEqual(Hypervolume.of(front, reference: reference), slicing(front, reference), accuracy: 1e-10, "sphere m \(m)")
            // Random points (many dominated) on a coarse grid (many ties), and in another order.
            let cloud = (0..<n).map { _ in (0..<m).map { _ in (Double(rng.nextFloat()) * 20).rounded() / 20 } }
            let volume = Hypervolume.of(cloud, reference: reference)
            XCTAssertEqual(volume, slicing(cloud, reference), accuracy: 1e-10, "cloud m \(m)")
            XCTAssertEqual(Hypervolume.of(cloud.reversed(), reference: reference), volume, accuracy: 1e-12, "order")
        }
    }

    func testImprovementIsTheVolumeAdded() {
        var rng = SeededGenerator(seed: 8)
        for m in 2...6 {
            let reference = [Double](repeating: 1.05, count: m)
            for trial in 0..<60 {
                let front = trial % 9 == 0 ? [] : awkwardSet(m, 7, trial, &rng)
                var candidates = (0..<4).map { _ in (0..<m).map { _ in (Double(rng.nextFloat()) * 1.1 * 8).rounded() / 8 } }
                if let first = front.first {
                    candidates.append(first)                    // equal to a front point
                    candidates.append(first.map { $0 + 0.05 })  // dominated by it
                }
                let improvement = HypervolumeImprovement(front: front, reference: reference)
                let batch = improvement(batch: candidates)
                let base = inclusionExclusion(front, reference)
                for (c, gain) in zip(candidates, batch) {
                    let expected = inclusionExclusion(front + [c], reference) - base
                    XCTAssertEqual(gain, expected, accuracy: 1e-9, "m \(m) front \(front) candidate \(c)")
                    XCTAssertEqual(improvement(c), gain, "batch and single")
                    XCTAssertEqual(Hypervolume.improvement(of: c, over: front, reference: reference), gain)
                    XCTAssertGreaterThanOrEqual(gain, 0)
                }
                if let first = front.first, Hypervolume.isInside(first, reference) {
                    XCTAssertEqual(batch[batch.count - 2], 0, "a copy of a front point adds nothing, exactly")
                }
            }
        }
    }

    func testImprovementOnLargeFronts() {
        var rng = SeededGenerator(seed: 9)
        for (m, n) in [(3, 400), (4, 300), (5, 100)] {
            let reference = [Double](repeating: 1.1, count: m)
            let front = sphere(n, m, &rng)
            let improvement = HypervolumeImprovement(front: front, reference: reference)
            let base = Hypervolume.of(front, reference: reference)
            for candidate in sphere(5, m, &rng).map({ $0.map { $0 * 0.97 } }) {
                XCTAssertEqual(improvement(candidate), Hypervolume.of(front + [candidate], reference: reference) - base,
                               accuracy: 1e-11, "m \(m)")
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

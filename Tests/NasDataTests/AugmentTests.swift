import NasCore
import XCTest
import NasData

final class AugmentTests: XCTestCase {
    private let shape = [4, 5, 2]
    private let count = 3
    private var batch: [Float] { (0..<(3 * 4 * 5 * 2)).map(Float.init) }

    func testFlipMirrorsRowsAndTwiceIsIdentity() {
        var flipped = batch
        Augment.flipHorizontally(&flipped, sampleShape: shape, count: count)
        XCTAssertNotEqual(flipped, batch)
        // Sample 1, row 2: pixel x takes pixel 4 - x, channels kept in order.
        for x in 0..<5 {
            for c in 0..<2 {
                XCTAssertEqual(flipped[((1 * 4 + 2) * 5 + x) * 2 + c], batch[((1 * 4 + 2) * 5 + (4 - x)) * 2 + c])
            }
        }
        Augment.flipHorizontally(&flipped, sampleShape: shape, count: count)
        XCTAssertEqual(flipped, batch)
    }

    func testRandomCropShiftsWithZeroPaddingAndKeepsShape() {
        let image = [Float](repeating: 1, count: 8 * 8 * 1)
        var shifted = image
        var rng = SeededGenerator(seed: 3)
        var sawShift = false
        for _ in 0..<20 {
            shifted = image
            Augment.apply(&shifted, sampleShape: [8, 8, 1], count: 1, options: AugmentOptions(cropPadding: 2), rng: &rng)
            XCTAssertEqual(shifted.count, image.count)
            let zeros = shifted.filter { $0 == 0 }.count
            XCTAssertTrue(shifted.allSatisfy { $0 == 0 || $0 == 1 })
            // A shift by (dy, dx) with |dy|, |dx| ≤ 2 zeroes whole rows and columns: 8·|dy| + 8·|dx| − |dy·dx|.
            let possible = Set((-2...2).flatMap { dy in (-2...2).map { dx in 8 * abs(dy) + 8 * abs(dx) - abs(dy * dx) } })
            XCTAssertTrue(possible.contains(zeros), "\(zeros) zeros is no shift of at most 2")
            if zeros > 0 { sawShift = true }
        }
        XCTAssertTrue(sawShift)
    }

    func testCropMovesContentByTheOffset() {
        // A single bright pixel in a 5×5 image moves by at most 1 in each direction, or falls off.
        var rng = SeededGenerator(seed: 8)
        for _ in 0..<30 {
            var image = [Float](repeating: 0, count: 25)
            image[2 * 5 + 2] = 1
            Augment.apply(&image, sampleShape: [5, 5, 1], count: 1, options: AugmentOptions(cropPadding: 1), rng: &rng)
            let position = image.firstIndex(of: 1)!
            XCTAssertLessThanOrEqual(abs(position / 5 - 2), 1)
            XCTAssertLessThanOrEqual(abs(position % 5 - 2), 1)
            XCTAssertEqual(image.reduce(0, +), 1)
        }
    }

    func testSequenceCropShiftsInTimeOnly() {
        var rng = SeededGenerator(seed: 1)
        let sequence: [Float] = (1...12).map(Float.init)  // [6, 2]
        var seenShifts = Set<Int>()
        for _ in 0..<40 {
            var shifted = sequence
            Augment.apply(&shifted, sampleShape: [6, 2], count: 1, options: AugmentOptions(cropPadding: 2), rng: &rng)
            // Time step t holds step t + d of the original (both channels) or zeros.
            let first = shifted.firstIndex { $0 != 0 }!
            let d = Int(shifted[first] - 1) / 2 - first / 2
            for t in 0..<6 {
                let source = t + d
                let expected: [Float] = (0..<6).contains(source) ? [sequence[2 * source], sequence[2 * source + 1]] : [0, 0]
                XCTAssertEqual([shifted[2 * t], shifted[2 * t + 1]], expected)
            }
            seenShifts.insert(d)
        }
        XCTAssertEqual(seenShifts, Set(-2...2))
    }

    func testApplyIsDeterministicPerSeed() {
        let options = AugmentOptions(horizontalFlip: true, cropPadding: 1, noiseStd: 0.1)
        func run(_ seed: UInt64) -> [Float] {
            var values = batch
            var rng = SeededGenerator(seed: seed)
            Augment.apply(&values, sampleShape: shape, count: count, options: options, rng: &rng)
            return values
        }
        XCTAssertEqual(run(5), run(5))
        XCTAssertNotEqual(run(5), run(6))
        XCTAssertEqual(run(5).count, batch.count)
    }

    func testNoiseHasTheRequestedSpread() {
        var values = [Float](repeating: 0, count: 20_000)
        var rng = SeededGenerator(seed: 2)
        Augment.apply(&values, sampleShape: [100], count: 200, options: AugmentOptions(noiseStd: 0.5), rng: &rng)
        let mean = values.reduce(0, +) / Float(values.count)
        let std = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(values.count)).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 0.02)
        XCTAssertEqual(std, 0.5, accuracy: 0.02)
    }

    func testDefaultOptionsLeaveTheBatchAlone() {
        var values = batch
        var rng = SeededGenerator(seed: 1)
        Augment.apply(&values, sampleShape: shape, count: count, options: AugmentOptions(), rng: &rng)
        XCTAssertEqual(values, batch)
    }
}

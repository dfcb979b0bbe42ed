import XCTest
import NasData

final class SyntheticTests: XCTestCase {
    func testShapesAreDeterministicShapedBalancedAndInRange() {
        let a = Synthetic.shapes(count: 205, seed: 1)
        let b = Synthetic.shapes(count: 205, seed: 1)
        let c = Synthetic.shapes(count: 205, seed: 2)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.inputs, c.inputs)
        XCTAssertNotEqual(a.labels, c.labels)
        XCTAssertEqual(a.sampleShape, [32, 32, 3])
        XCTAssertEqual(a.inputs.count, 205 * 32 * 32 * 3)
        XCTAssertEqual(a.classCount, 10)
        XCTAssertEqual(a.classNames, Synthetic.shapeClassNames)
        XCTAssertEqual(a.classCounts, [21, 21, 21, 21, 21, 20, 20, 20, 20, 20])
        XCTAssertTrue(a.inputs.allSatisfy { $0 >= 0 && $0 <= 1 })
        // Labels are shuffled, not dealt in a visible cycle.
        XCTAssertNotEqual(Array(a.labels.prefix(10)), (0..<10).map(Int32.init))

        let small = Synthetic.shapes(count: 20, size: 16, seed: 1, noise: 0)
        XCTAssertEqual(small.sampleShape, [16, 16, 3])
        XCTAssertEqual(small.inputs.count, 20 * 16 * 16 * 3)
    }

    /// Each image has a visible shape: some pixels differ clearly from the image's median.
    func testShapesHaveVisibleForeground() {
        let dataset = Synthetic.shapes(count: 50, seed: 9, noise: 0)
        for i in 0..<dataset.count {
            let sample = Array(dataset.sample(i))
            let luminance: [Float] = stride(from: 0, to: sample.count, by: 3).map { (p: Int) -> Float in
                let red: Float = 0.299 * sample[p]
                let green: Float = 0.587 * sample[p + 1]
                return red + green + 0.114 * sample[p + 2]
            }
            let median = luminance.sorted()[luminance.count / 2]
            let distinct = luminance.filter { abs($0 - median) > 0.2 }.count
            XCTAssertGreaterThan(distinct, 4, "sample \(i) (\(dataset.classNames[Int(dataset.labels[i])])) shows no shape")
        }
    }

    /// Colour carries no class information: the mean colour of each class is about the same.
    func testColourDoesNotDetermineTheClass() {
        let dataset = Synthetic.shapes(count: 2000, seed: 5)
        var sums = [[Double]](repeating: [0, 0, 0], count: 10)
        for i in 0..<dataset.count {
            let sample = dataset.sample(i)
            for (k, value) in sample.enumerated() { sums[Int(dataset.labels[i])][k % 3] += Double(value) }
        }
        let means = sums.map { $0.map { $0 / (200 * 32 * 32) } }
        for c in 0..<3 {
            let channel = means.map { $0[c] }
            XCTAssertLessThan(channel.max()! - channel.min()!, 0.1, "channel \(c) means per class: \(channel)")
        }
    }

    /// Learnable but not trivial. Raw pixels under a nearest-class-mean classifier are near
    /// chance (position, colour and polarity vary), while the same classifier on a simple
    /// translation-invariant view (the contrast mask re-centred on its centroid) is far above
    /// chance yet far from perfect: structure a CNN can learn, with room to measure it by.
    func testShapesAreLearnableButNotTrivial() {
        let dataset = Synthetic.shapes(count: 2000, seed: 21)
        let (train, test) = dataset.split(validationFraction: 0.25, seed: 1)
        let raw = nearestClassMeanAccuracy(train: train, test: test) { Array($0) }
        XCTAssertLessThan(raw, 0.25, "raw-pixel nearest class mean should be near chance (0.1)")
        let centred = nearestClassMeanAccuracy(train: train, test: test) { centredContrastMask($0, size: 32) }
        XCTAssertGreaterThan(centred, 0.5, "a translation-invariant view should be well above chance (0.1)")
        XCTAssertLessThan(centred, 0.95, "the dataset should not be trivial")
    }

    func testMotionIsDeterministicShapedAndBalanced() {
        let a = Synthetic.motion(count: 61, seed: 3)
        XCTAssertEqual(a, Synthetic.motion(count: 61, seed: 3))
        XCTAssertNotEqual(a.inputs, Synthetic.motion(count: 61, seed: 4).inputs)
        XCTAssertEqual(a.sampleShape, [128, 3])
        XCTAssertEqual(a.classNames, Synthetic.motionClassNames)
        XCTAssertEqual(a.classCounts, [11, 10, 10, 10, 10, 10])
        XCTAssertTrue(a.inputs.allSatisfy { $0.isFinite && abs($0) < 8 })

        let imu = Synthetic.motion(count: 12, length: 64, channels: 6, seed: 3)
        XCTAssertEqual(imu.sampleShape, [64, 6])
        XCTAssertEqual(imu.inputs.count, 12 * 64 * 6)
        let single = Synthetic.motion(count: 12, length: 32, channels: 1, seed: 3)
        XCTAssertEqual(single.sampleShape, [32, 1])
    }

    /// Gravity dominates the vertical axis on average, as on a real accelerometer at rest.
    func testMotionHasGravityOnTheVerticalAxis() {
        let dataset = Synthetic.motion(count: 60, seed: 8)
        let idle = (0..<dataset.count).filter { dataset.labels[$0] == 0 }
        for i in idle {
            let sample = Array(dataset.sample(i))
            let meanZ = stride(from: 2, to: sample.count, by: 3).map { sample[$0] }.reduce(0, +) / 128
            XCTAssertGreaterThan(meanZ, 0.85)
        }
    }

    /// Per-axis mean, spread and roughness separate the activities well above chance (1/6),
    /// though not perfectly.
    func testMotionIsLearnable() {
        let dataset = Synthetic.motion(count: 1200, seed: 13)
        let (train, test) = dataset.split(validationFraction: 0.25, seed: 2)
        let accuracy = nearestClassMeanAccuracy(train: train, test: test) { axisStatistics($0, channels: 3) }
        XCTAssertGreaterThan(accuracy, 0.6)
        XCTAssertLessThan(accuracy, 0.97)
    }
}

/// Pixels that differ from the background colour (the mean of the border pixels, which the
/// shape rarely touches) by more than half the largest difference, as a 0/1 mask shifted so its
/// centroid sits at the image centre.
private func centredContrastMask(_ sample: ArraySlice<Float>, size: Int) -> [Float] {
    let pixels = Array(sample)
    let n = size * size
    var background: [Float] = [0, 0, 0]
    var borderCount: Float = 0
    for y in 0..<size {
        for x in 0..<size where x == 0 || y == 0 || x == size - 1 || y == size - 1 {
            for c in 0..<3 { background[c] += pixels[3 * (y * size + x) + c] }
            borderCount += 1
        }
    }
    var contrast = [Float](repeating: 0, count: n)
    for p in 0..<n {
        for c in 0..<3 { contrast[p] += abs(pixels[3 * p + c] - background[c] / borderCount) }
    }
    let threshold = contrast.max()! / 2
    var (sumX, sumY, weight): (Float, Float, Float) = (0, 0, 0)
    for p in 0..<n where contrast[p] > threshold {
        sumX += Float(p % size) * contrast[p]
        sumY += Float(p / size) * contrast[p]
        weight += contrast[p]
    }
    let shiftX = Int((sumX / weight).rounded()) - size / 2
    let shiftY = Int((sumY / weight).rounded()) - size / 2
    var mask = [Float](repeating: 0, count: n)
    for y in 0..<size {
        for x in 0..<size {
            let (sx, sy) = (x + shiftX, y + shiftY)
            if sx >= 0, sx < size, sy >= 0, sy < size, contrast[sy * size + sx] > threshold { mask[y * size + x] = 1 }
        }
    }
    return mask
}

/// Mean, standard deviation and mean absolute step of each channel of a [T, C] window.
private func axisStatistics(_ sample: ArraySlice<Float>, channels: Int) -> [Float] {
    let values = Array(sample)
    let length = values.count / channels
    var features: [Float] = []
    for c in 0..<channels {
        let series = (0..<length).map { values[$0 * channels + c] }
        let mean = series.reduce(0, +) / Float(length)
        let std = (series.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(length)).squareRoot()
        let roughness = zip(series.dropFirst(), series).reduce(0) { $0 + abs($1.0 - $1.1) } / Float(length)
        features += [mean, std, roughness]
    }
    return features
}

/// Generation polls for Ctrl-C between blocks and stops there; blocks do not change the data.
final class SyntheticInterruptTests: XCTestCase {
    func testGenerationStopsBetweenBlocksWhenAsked() {
        var polls = 0
        let stopped = Synthetic.shapes(count: 10_000, size: 8, seed: 1, shouldStop: { polls += 1; return polls > 1 })
        XCTAssertEqual(polls, 2)
        let full = Synthetic.shapes(count: 10_000, size: 8, seed: 1)
        let block = Synthetic.blockSize * 8 * 8 * 3
        XCTAssertEqual(Array(stopped.inputs.prefix(block)), Array(full.inputs.prefix(block)))
        XCTAssertTrue(stopped.inputs[block...].allSatisfy { $0 == 0 })
        XCTAssertFalse(full.inputs[block...].allSatisfy { $0 == 0 })
    }
}

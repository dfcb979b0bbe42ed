import NasCore
import XCTest
import NasData

final class DatasetTests: XCTestCase {
    /// 3 classes of unequal size (40, 25, 10 samples), each sample [2, 2, 3] valued by its index.
    private func makeDataset() -> Dataset {
        var labels: [Int32] = []
        labels += Array(repeating: 0, count: 40)
        labels += Array(repeating: 1, count: 25)
        labels += Array(repeating: 2, count: 10)
        var rng = SeededGenerator(seed: 99)
        rng.shuffle(&labels)
        let inputs = (0..<labels.count).flatMap { i in (0..<12).map { Float(i * 100 + $0) } }
        return Dataset(name: "toy", sampleShape: [2, 2, 3], inputs: inputs, labels: labels, classNames: ["a", "b", "c"])
    }

    func testBasicAccessors() {
        let dataset = makeDataset()
        XCTAssertEqual(dataset.count, 75)
        XCTAssertEqual(dataset.classCount, 3)
        XCTAssertEqual(dataset.sampleSize, 12)
        XCTAssertEqual(Array(dataset.sample(3)), (0..<12).map { Float(300 + $0) })
        XCTAssertEqual(dataset.classCounts, [40, 25, 10])
    }

    func testSubsetGathersInOrder() {
        let dataset = makeDataset()
        let subset = dataset.subset([5, 1, 5])
        XCTAssertEqual(subset.count, 3)
        XCTAssertEqual(Array(subset.sample(0)), Array(dataset.sample(5)))
        XCTAssertEqual(Array(subset.sample(1)), Array(dataset.sample(1)))
        XCTAssertEqual(subset.labels, [dataset.labels[5], dataset.labels[1], dataset.labels[5]])
        XCTAssertEqual(subset.sampleShape, dataset.sampleShape)
        XCTAssertEqual(subset.classNames, dataset.classNames)
    }

    func testSplitIsDeterministicStratifiedDisjointAndComplete() {
        let dataset = makeDataset()
        let (train, validation) = dataset.split(validationFraction: 0.2, seed: 42)
        let again = dataset.split(validationFraction: 0.2, seed: 42)
        XCTAssertEqual(train, again.train)
        XCTAssertEqual(validation, again.validation)

        // Stratified: round(0.2 × class size) of each class.
        XCTAssertEqual(validation.classCounts, [8, 5, 2])
        XCTAssertEqual(train.classCounts, [32, 20, 8])

        // Samples are identified by their first value (index × 100).
        let trainIDs = Set((0..<train.count).map { Int(train.sample($0).first!) / 100 })
        let validationIDs = Set((0..<validation.count).map { Int(validation.sample($0).first!) / 100 })
        XCTAssertTrue(trainIDs.isDisjoint(with: validationIDs))
        XCTAssertEqual(trainIDs.union(validationIDs), Set(0..<75))
        // Labels travel with their samples.
        for i in 0..<validation.count {
            XCTAssertEqual(validation.labels[i], dataset.labels[Int(validation.sample(i).first!) / 100])
        }

        let other = dataset.split(validationFraction: 0.2, seed: 43)
        XCTAssertNotEqual(other.validation, validation)
    }

    func testSplitEdgeFractions() {
        let dataset = makeDataset()
        XCTAssertEqual(dataset.split(validationFraction: 0, seed: 1).validation.count, 0)
        XCTAssertEqual(dataset.split(validationFraction: 1, seed: 1).train.count, 0)
    }

    func testNormalizationCentresAndScalesEachChannel() {
        var rng = SeededGenerator(seed: 4)
        let count = 500
        // Channel c has mean 10c and std c + 1.
        var inputs: [Float] = []
        for _ in 0..<(count * 16) {
            for c in 0..<3 { inputs.append(Float(10 * c) + Float(c + 1) * rng.nextNormal()) }
        }
        let dataset = Dataset(name: "n", sampleShape: [4, 4, 3], inputs: inputs,
                              labels: [Int32](repeating: 0, count: count), classNames: ["only"])
        let statistics = dataset.channelStatistics()
        for c in 0..<3 {
            XCTAssertEqual(statistics.mean[c], Float(10 * c), accuracy: 0.1)
            XCTAssertEqual(statistics.std[c], Float(c + 1), accuracy: 0.1)
        }
        let normalized = statistics.apply(to: dataset)
        let after = normalized.channelStatistics()
        for c in 0..<3 {
            XCTAssertEqual(after.mean[c], 0, accuracy: 1e-4)
            XCTAssertEqual(after.std[c], 1, accuracy: 1e-4)
        }
        // The same statistics applied to another set use the training values, not its own.
        let shifted = Dataset(name: "s", sampleShape: [3], inputs: [10, 20, 30], labels: [0], classNames: ["only"])
        let applied = statistics.apply(to: shifted)
        for c in 0..<3 {
            XCTAssertEqual(applied.inputs[c], (shifted.inputs[c] - statistics.mean[c]) / statistics.std[c], accuracy: 1e-6)
        }
    }

    func testConstantChannelGetsUnitStd() {
        let dataset = Dataset(name: "c", sampleShape: [2], inputs: [5, 1, 5, 3], labels: [0, 0], classNames: ["x"])
        let statistics = dataset.channelStatistics()
        XCTAssertEqual(statistics, Normalization(mean: [5, 2], std: [1, 1]))
        XCTAssertEqual(statistics.apply(to: dataset).inputs, [0, -1, 0, 1])
    }
}

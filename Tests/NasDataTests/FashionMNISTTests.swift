import XCTest
import NasData

final class FashionMNISTTests: XCTestCase {
    /// Runs only where Debian's dataset-fashion-mnist package is installed; CI does not need it.
    func testLoadsTheInstalledTestSplit() throws {
        let installed = Loaders.fashionMNISTDirectories.contains {
            FileManager.default.fileExists(atPath: ($0 as NSString).appendingPathComponent("t10k-images-idx3-ubyte.gz"))
        }
        try XCTSkipUnless(installed, "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist); skipping the real-data check")
        let dataset = try Loaders.fashionMNIST(split: .test)
        XCTAssertEqual(dataset.name, "fashion-mnist/test")
        XCTAssertEqual(dataset.count, 10_000)
        XCTAssertEqual(dataset.sampleShape, [28, 28, 1])
        XCTAssertEqual(dataset.classNames, Loaders.fashionMNISTClassNames)
        XCTAssertEqual(dataset.classCounts, [Int](repeating: 1000, count: 10))
        XCTAssertTrue(dataset.inputs.allSatisfy { $0 >= 0 && $0 <= 1 })
        XCTAssertEqual(dataset.inputs.max(), 1)
    }

    func testOtherDirectoryWithPlainFiles() throws {
        let dir = try makeTemporaryDirectory(self)
        try write(bigEndian(0x0803) + bigEndian(2) + bigEndian(28) + bigEndian(28) + [UInt8](repeating: 255, count: 2 * 784),
                  to: dir, "train-images-idx3-ubyte")
        try write(bigEndian(0x0801) + bigEndian(2) + [9, 0], to: dir, "train-labels-idx1-ubyte")
        let dataset = try Loaders.fashionMNIST(directory: dir.path, split: .train)
        XCTAssertEqual(dataset.name, "fashion-mnist/train")
        XCTAssertEqual(dataset.labels, [9, 0])
        XCTAssertEqual(dataset.classNames[9], "Ankle boot")
    }

    func testMissingFilesSayHowToInstall() throws {
        let dir = try makeTemporaryDirectory(self)
        assertDataError(try Loaders.fashionMNIST(directory: dir.path, split: .test),
                        contains: ["t10k-images-idx3-ubyte[.gz]", dir.path, "install it with: apt-get install dataset-fashion-mnist"])
    }
}

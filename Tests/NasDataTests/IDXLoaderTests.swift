import XCTest
import NasData

final class IDXLoaderTests: XCTestCase {
    /// Three 2×3 images with pixel values 0, 17, 34, ... and labels 2, 0, 1.
    private let pixels: [UInt8] = (0..<18).map { UInt8($0 * 15) }
    private let labelBytes: [UInt8] = [2, 0, 1]

    private func imagesFile() -> [UInt8] { bigEndian(0x0803) + bigEndian(3) + bigEndian(2) + bigEndian(3) + pixels }
    private func labelsFile() -> [UInt8] { bigEndian(0x0801) + bigEndian(3) + labelBytes }

    private func check(_ dataset: Dataset) {
        XCTAssertEqual(dataset.count, 3)
        XCTAssertEqual(dataset.sampleShape, [2, 3, 1])
        XCTAssertEqual(dataset.labels, [2, 0, 1])
        XCTAssertEqual(dataset.inputs, pixels.map { Float($0) / 255 })
        XCTAssertEqual(dataset.inputs.last, 1)
    }

    func testLoadsPlainFiles() throws {
        let dir = try makeTemporaryDirectory(self)
        let images = try write(imagesFile(), to: dir, "images-idx3-ubyte")
        let labels = try write(labelsFile(), to: dir, "labels-idx1-ubyte")
        let dataset = try Loaders.idx(images: images, labels: labels, classNames: nil)
        check(dataset)
        XCTAssertEqual(dataset.classNames, ["0", "1", "2"])
        XCTAssertEqual(dataset.name, "images-idx3-ubyte")
        let named = try Loaders.idx(images: images, labels: labels, classNames: ["x", "y", "z", "w"])
        XCTAssertEqual(named.classNames, ["x", "y", "z", "w"])
    }

    func testLoadsGzipFiles() throws {
        let dir = try makeTemporaryDirectory(self)
        let images = try gzipFile(write(imagesFile(), to: dir, "images-idx3-ubyte"))
        let labels = try gzipFile(write(labelsFile(), to: dir, "labels-idx1-ubyte"))
        check(try Loaders.idx(images: images, labels: labels, classNames: nil))
    }

    func testBadMagicNamesFileFoundAndExpected() throws {
        let dir = try makeTemporaryDirectory(self)
        let labels = try write(labelsFile(), to: dir, "labels-idx1-ubyte")
        let images = try write([0, 0, 0, 0] + Array(imagesFile().dropFirst(4)), to: dir, "train-images-idx3-ubyte")
        assertDataError(try Loaders.idx(images: images, labels: labels, classNames: nil),
                        contains: ["train-images-idx3-ubyte: bad magic number 0x00000000 (expected 0x00000803 for unsigned-byte images)"])
        // Labels and images swapped.
        assertDataError(try Loaders.idx(images: labels, labels: images, classNames: nil),
                        contains: ["labels-idx1-ubyte", "bad magic number 0x00000801", "expected 0x00000803"])
    }

    func testCompressedFileWithoutGzSuffixGetsAHint() throws {
        let dir = try makeTemporaryDirectory(self)
        let compressed = try gzipFile(write(imagesFile(), to: dir, "images-idx3-ubyte"))
        let misnamed = dir.appendingPathComponent("misnamed-idx3-ubyte").path
        try FileManager.default.moveItem(atPath: compressed, toPath: misnamed)
        let labels = try write(labelsFile(), to: dir, "labels-idx1-ubyte")
        assertDataError(try Loaders.idx(images: misnamed, labels: labels), contains: ["bad magic number 0x1F8B", "gzip-compressed"])
    }

    func testTruncatedAndMismatchedFiles() throws {
        let dir = try makeTemporaryDirectory(self)
        let labels = try write(labelsFile(), to: dir, "labels-idx1-ubyte")
        let truncated = try write(Array(imagesFile().dropLast(5)), to: dir, "truncated-idx3-ubyte")
        assertDataError(try Loaders.idx(images: truncated, labels: labels),
                        contains: ["truncated-idx3-ubyte", "truncated", "expected 34 bytes", "3×2×3", "found 29"])
        let header = try write(Array(imagesFile().prefix(6)), to: dir, "header-idx3-ubyte")
        assertDataError(try Loaders.idx(images: header, labels: labels), contains: ["truncated header", "expected at least 16 bytes", "found 6"])

        let images = try write(imagesFile(), to: dir, "images-idx3-ubyte")
        let twoLabels = try write(bigEndian(0x0801) + bigEndian(2) + [0, 1], to: dir, "two-labels")
        assertDataError(try Loaders.idx(images: images, labels: twoLabels), contains: ["two-labels", "expected 3 labels", "found 2"])
        assertDataError(try Loaders.idx(images: images, labels: labels, classNames: ["a", "b"]),
                        contains: ["label 2 of sample 0", "0..<2"])
    }

    func testMissingAndCorruptGzipFiles() throws {
        let dir = try makeTemporaryDirectory(self)
        let missing = dir.appendingPathComponent("nothing-here").path
        assertDataError(try Loaders.idx(images: missing, labels: missing), contains: ["nothing-here: file not found"])
        let fake = try write(imagesFile(), to: dir, "fake.gz")
        let labels = try write(labelsFile(), to: dir, "labels-idx1-ubyte")
        assertDataError(try Loaders.idx(images: fake, labels: labels), contains: ["fake.gz", "expected gzip-compressed data", "gzip -dc failed"])
    }
}

/// Sizes read from files are bounded before they are allocated.
final class DataLimitTests: XCTestCase {
    /// A small gzip that expands past the limit stops reading there, with an error naming the
    /// limit and the variable that changes it (here lowered to 1 MB to keep the test small).
    func testAGzipBombStopsAtTheDecompressionLimit() throws {
        let dir = try makeTemporaryDirectory(self)
        let header = bigEndian(0x0803) + bigEndian(100) + bigEndian(100) + bigEndian(100)
        let images = try gzipFile(write(header + [UInt8](repeating: 0, count: 1_000_000), to: dir, "bomb-idx3-ubyte"))
        let labels = try write(bigEndian(0x0801) + bigEndian(100) + [UInt8](repeating: 0, count: 100), to: dir, "labels-idx1-ubyte")
        XCTAssertLessThan(try FileManager.default.attributesOfItem(atPath: images)[.size] as? Int ?? .max, 10_000)
        setenv("NASBOOK_MAX_DATA_GB", "0.0005", 1)
        defer { unsetenv("NASBOOK_MAX_DATA_GB") }
        XCTAssertThrowsError(try Loaders.idx(images: images, labels: labels)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("decompresses to more than 0.0005 GB"), text)
            XCTAssertTrue(text.contains("set NASBOOK_MAX_DATA_GB to raise the limit"), text)
        }
        unsetenv("NASBOOK_MAX_DATA_GB")
        XCTAssertEqual(try Loaders.idx(images: images, labels: labels).count, 100)
    }

    /// A label file holding 2147483647 asked for two billion class names.
    func testAHugeLabelIsAnErrorNotABillionClasses() throws {
        let dir = try makeTemporaryDirectory(self)
        let images = try write(bigEndian(0x0803) + bigEndian(2) + bigEndian(1) + bigEndian(1) + [0, 0], to: dir, "i-idx3-ubyte")
        let labels = try write(bigEndian(0x0801) + bigEndian(2) + [0, 255], to: dir, "l-idx1-ubyte")
        XCTAssertEqual(try Loaders.idx(images: images, labels: labels).classCount, 256)
        XCTAssertEqual(Loaders.maxClasses, 100_000)
    }
}

extension DataLimitTests {
    /// Files whose contents would not fit the memory limit are refused before they are read
    /// (here the limit is lowered to 1 KB to keep the test small).
    func testFilesPastTheMemoryLimitAreRefused() throws {
        let dir = try makeTemporaryDirectory(self)
        let images = try write(bigEndian(0x0803) + bigEndian(4) + bigEndian(32) + bigEndian(32) + [UInt8](repeating: 1, count: 4096),
                               to: dir, "big-idx3-ubyte")
        let labels = try write(bigEndian(0x0801) + bigEndian(4) + [0, 1, 0, 1], to: dir, "l-idx1-ubyte")
        setenv("NASBOOK_MAX_MEMORY_GB", "0.000001", 1)
        defer { unsetenv("NASBOOK_MAX_MEMORY_GB") }
        XCTAssertThrowsError(try Loaders.idx(images: images, labels: labels)) { error in
            XCTAssertTrue(String(describing: error).contains("more than the 1e-06 GB nasbook allows (set NASBOOK_MAX_MEMORY_GB to change it)"),
                          String(describing: error))
        }
        unsetenv("NASBOOK_MAX_MEMORY_GB")
        XCTAssertEqual(try Loaders.idx(images: images, labels: labels).count, 4)
    }
}

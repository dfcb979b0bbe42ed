import XCTest
import NasData

final class CIFARLoaderTests: XCTestCase {
    /// A record whose red plane is all `red`, green plane counts 0..255 per pixel (mod 256),
    /// and blue plane is the pixel's row.
    private func record(label: UInt8, red: UInt8) -> [UInt8] {
        let redPlane = [UInt8](repeating: red, count: 1024)
        let greenPlane = (0..<1024).map { UInt8($0 % 256) }
        let bluePlane = (0..<1024).map { UInt8($0 / 32) }
        return [label] + redPlane + greenPlane + bluePlane
    }

    func testConvertsPlanarRecordsToChannelsLast() throws {
        let dir = try makeTemporaryDirectory(self)
        let first = try write(record(label: 3, red: 255) + record(label: 9, red: 0), to: dir, "data_batch_1.bin")
        let second = try write(record(label: 0, red: 51), to: dir, "data_batch_2.bin")
        let dataset = try Loaders.cifar10(files: [first, second], classNames: nil)
        XCTAssertEqual(dataset.count, 3)
        XCTAssertEqual(dataset.sampleShape, [32, 32, 3])
        XCTAssertEqual(dataset.labels, [3, 9, 0])
        XCTAssertEqual(dataset.classNames, Loaders.cifar10ClassNames)
        XCTAssertEqual(dataset.classNames[3], "cat")

        // Pixel (y, x) of sample s is at ((s·32 + y)·32 + x)·3.
        func pixel(_ s: Int, _ y: Int, _ x: Int) -> [Float] {
            let o = ((s * 32 + y) * 32 + x) * 3
            return Array(dataset.inputs[o..<(o + 3)])
        }
        XCTAssertEqual(pixel(0, 0, 0), [1, 0, 0])
        XCTAssertEqual(pixel(0, 5, 7), [1, Float((5 * 32 + 7) % 256) / 255, 5 / 255])
        XCTAssertEqual(pixel(1, 31, 31), [0, Float(1023 % 256) / 255, 31 / 255])
        XCTAssertEqual(pixel(2, 2, 3), [51 / 255, Float(67) / 255, 2 / 255])
    }

    func testRejectsPartialRecordsBadLabelsAndNoFiles() throws {
        let dir = try makeTemporaryDirectory(self)
        let partial = try write(record(label: 1, red: 0) + [1, 2, 3], to: dir, "partial.bin")
        assertDataError(try Loaders.cifar10(files: [partial]),
                        contains: ["partial.bin", "3073-byte CIFAR-10 records", "found 3076 bytes", "1 records and 3 bytes over"])
        let empty = try write([UInt8](), to: dir, "empty.bin")
        assertDataError(try Loaders.cifar10(files: [empty]), contains: ["empty.bin", "found 0 bytes"])
        let badLabel = try write(record(label: 1, red: 0) + record(label: 12, red: 0), to: dir, "bad.bin")
        assertDataError(try Loaders.cifar10(files: [badLabel]), contains: ["bad.bin", "record 1", "label 12", "0..<10"])
        assertDataError(try Loaders.cifar10(files: []), contains: ["at least one batch file"])
    }
}

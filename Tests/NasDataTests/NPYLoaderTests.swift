import XCTest
import NasData

final class NPYLoaderTests: XCTestCase {
    /// A .npy file as NumPy writes it: magic, version, little-endian header length, the header
    /// dict padded with spaces to a multiple of 64 bytes and ended by a newline, then the data.
    private func npy(descr: String, shape: String, fortran: Bool = false, data: [UInt8], version: UInt8 = 1) -> [UInt8] {
        var header = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
        let prefix = version == 1 ? 10 : 12
        while (prefix + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let length = header.utf8.count
        let lengthBytes: [UInt8] = version == 1 ? littleEndian(UInt16(length)) : littleEndian(UInt32(length))
        return [0x93] + Array("NUMPY".utf8) + [version, 0] + lengthBytes + Array(header.utf8) + data
    }

    private func int64Labels(_ values: [Int64]) -> [UInt8] {
        npy(descr: "<i8", shape: "(\(values.count),)", data: values.flatMap { littleEndian($0) })
    }

    func testFloat32InputsWithInt64Labels() throws {
        let dir = try makeTemporaryDirectory(self)
        let values: [Float] = [0, 1.5, -2, 3.25, 1e-3, 100, 7, 8, 9, 10, 11, 12]
        let inputs = try write(npy(descr: "<f4", shape: "(2, 3, 2)", data: values.flatMap { littleEndian($0.bitPattern) }), to: dir, "x.npy")
        let labels = try write(int64Labels([1, 4]), to: dir, "y.npy")
        let dataset = try Loaders.npy(inputs: inputs, labels: labels)
        XCTAssertEqual(dataset.name, "x")
        XCTAssertEqual(dataset.sampleShape, [3, 2])
        XCTAssertEqual(dataset.inputs, values)
        XCTAssertEqual(dataset.labels, [1, 4])
        XCTAssertEqual(dataset.classNames, ["0", "1", "2", "3", "4"])
    }

    func testFloat64InputsVersion2AndInt32Labels() throws {
        let dir = try makeTemporaryDirectory(self)
        let values: [Double] = [0.5, -0.25, 1e10, 3]
        let inputs = try write(npy(descr: "<f8", shape: "(4,)", data: values.flatMap { littleEndian($0.bitPattern) }, version: 2), to: dir, "x.npy")
        let labels = try write(npy(descr: "<i4", shape: "(4, 1)", data: [Int32(0), 1, 1, 0].flatMap { littleEndian($0) }), to: dir, "y.npy")
        let dataset = try Loaders.npy(inputs: inputs, labels: labels)
        XCTAssertEqual(dataset.sampleShape, [1])
        XCTAssertEqual(dataset.inputs, values.map { Float($0) })
        XCTAssertEqual(dataset.labels, [0, 1, 1, 0])
    }

    func testUInt8InputsAreScaledToUnitRange() throws {
        let dir = try makeTemporaryDirectory(self)
        let bytes: [UInt8] = [0, 51, 102, 255, 1, 2, 3, 4]
        let inputs = try write(npy(descr: "|u1", shape: "(2, 2, 2, 1)", data: bytes), to: dir, "images.npy")
        let labels = try write(int64Labels([0, 2]), to: dir, "labels.npy")
        let dataset = try Loaders.npy(inputs: inputs, labels: labels)
        XCTAssertEqual(dataset.sampleShape, [2, 2, 1])
        XCTAssertEqual(dataset.inputs, bytes.map { Float($0) / 255 })
    }

    func testRejectsWhatItCannotRead() throws {
        let dir = try makeTemporaryDirectory(self)
        let labels = try write(int64Labels([0, 1]), to: dir, "labels.npy")
        func inputs(_ bytes: [UInt8], _ name: String = "x.npy") throws -> String { try write(bytes, to: dir, name) }
        let eight = [UInt8](repeating: 0, count: 16)

        assertDataError(try Loaders.npy(inputs: inputs(npy(descr: "<f4", shape: "(2, 2)", fortran: true, data: eight)), labels: labels),
                        contains: ["x.npy", "fortran_order is True", "C-order"])
        assertDataError(try Loaders.npy(inputs: inputs(npy(descr: ">f4", shape: "(2, 2)", data: eight)), labels: labels),
                        contains: ["unsupported dtype '>f4' for inputs", "'<f4', '<f8', '|u1'"])
        assertDataError(try Loaders.npy(inputs: inputs(npy(descr: "<c16", shape: "(1,)", data: eight)), labels: labels),
                        contains: ["unsupported dtype '<c16'"])
        assertDataError(try Loaders.npy(inputs: inputs(npy(descr: "<f4", shape: "(2, 2)", data: Array(eight.prefix(12)))), labels: labels),
                        contains: ["truncated data", "(2, 2)", "needs 16 data bytes, found 12"])
        assertDataError(try Loaders.npy(inputs: inputs(npy(descr: "<f4", shape: "(9223372036854775807, 2)", data: eight)), labels: labels),
                        contains: ["too large to load"])
        assertDataError(try Loaders.npy(inputs: inputs(npy(descr: "<f4", shape: "(2, 0)", data: [])), labels: labels),
                        contains: ["at least one value", "(0,)"])
        assertDataError(try Loaders.npy(inputs: inputs(Array("PK\u{3}\u{4}not numpy".utf8)), labels: labels),
                        contains: ["bad magic", "93 4E 55 4D 50 59", "found 50 4B 03 04"])
        assertDataError(try Loaders.npy(inputs: inputs(npy(descr: "<f4", shape: "[2, 2]", data: eight)), labels: labels),
                        contains: ["malformed header", "expected an integer"])
        let good = try inputs(npy(descr: "<f4", shape: "(2, 2)", data: eight), "good.npy")
        let floatLabels = try write(npy(descr: "<f4", shape: "(2,)", data: Array(eight.prefix(8))), to: dir, "float-labels.npy")
        assertDataError(try Loaders.npy(inputs: good, labels: floatLabels), contains: ["float-labels.npy", "unsupported dtype '<f4' for labels", "'<i8'"])
        let threeLabels = try write(int64Labels([0, 1, 2]), to: dir, "three.npy")
        assertDataError(try Loaders.npy(inputs: good, labels: threeLabels), contains: ["three.npy", "expected 2 labels", "found 3"])
        let negative = try write(int64Labels([0, -1]), to: dir, "negative.npy")
        assertDataError(try Loaders.npy(inputs: good, labels: negative), contains: ["label -1 at index 1"])
    }
}

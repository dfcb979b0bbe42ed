import Foundation
import XCTest
import NasData

/// A fresh directory for the files a test writes, removed when the test ends.
func makeTemporaryDirectory(_ testCase: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("NasDataTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

@discardableResult
func write(_ bytes: [UInt8], to directory: URL, _ name: String) throws -> String {
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}

@discardableResult
func write(_ text: String, to directory: URL, _ name: String) throws -> String {
    try write(Array(text.utf8), to: directory, name)
}

/// Compresses a file with the system gzip, leaving `path.gz`.
func gzipFile(_ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
    process.arguments = ["-kf", path]
    try process.run()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, "gzip -kf \(path)")
    return path + ".gz"
}

func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
}

func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}

/// Asserts that `body` throws a `DataError` whose description contains every fragment.
func assertDataError<T>(_ body: @autoclosure () throws -> T, contains fragments: [String],
                        file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected a DataError containing \(fragments)", file: file, line: line)
    } catch let error as DataError {
        for fragment in fragments {
            XCTAssertTrue(error.description.contains(fragment),
                          "'\(error.description)' does not contain '\(fragment)'", file: file, line: line)
        }
    } catch {
        XCTFail("expected a DataError, got \(error)", file: file, line: line)
    }
}

/// Nearest-class-mean accuracy on held-out samples, with a per-sample feature map: the cheapest
/// classifier there is, used to show a dataset carries class information a model can pick up.
/// Written with flat arrays and pointers so it stays quick in debug builds.
func nearestClassMeanAccuracy(train: Dataset, test: Dataset, features: (ArraySlice<Float>) -> [Float]) -> Double {
    let width = features(train.sample(0)).count
    var means = [Double](repeating: 0, count: train.classCount * width)
    var counts = [Int](repeating: 0, count: train.classCount)
    means.withUnsafeMutableBufferPointer { means in
        for i in 0..<train.count {
            let c = Int(train.labels[i])
            counts[c] += 1
            features(train.sample(i)).withUnsafeBufferPointer { f in
                for k in 0..<width { means[c * width + k] += Double(f[k]) }
            }
        }
        for c in 0..<counts.count {
            for k in 0..<width { means[c * width + k] /= Double(max(counts[c], 1)) }
        }
    }
    var correct = 0
    means.withUnsafeBufferPointer { means in
        for i in 0..<test.count {
            var best = -1
            var bestDistance = Double.infinity
            features(test.sample(i)).withUnsafeBufferPointer { f in
                for c in 0..<counts.count {
                    var distance = 0.0
                    for k in 0..<width {
                        let d = Double(f[k]) - means[c * width + k]
                        distance += d * d
                    }
                    if distance < bestDistance { (best, bestDistance) = (c, distance) }
                }
            }
            if best == Int(test.labels[i]) { correct += 1 }
        }
    }
    return Double(correct) / Double(test.count)
}

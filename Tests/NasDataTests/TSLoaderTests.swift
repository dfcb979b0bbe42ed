import XCTest
import NasData

final class TSLoaderTests: XCTestCase {
    private let multivariate = """
    # A comment before the header.
    @problemName TinyMotion
    @timeStamps false
    @missing false
    @univariate false
    @dimensions 2
    @equalLength true
    @seriesLength 4
    @classLabel true walk run idle
    @data
    1,2,3,4:10,20,30,40:run
    0.5,0.25,-1,2e1:5,6,7,8:idle

    -1,-2,-3,-4:0,0,0,0:walk

    """

    func testLoadsMultivariateChannelsLast() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = try write(multivariate, to: dir, "tiny_TRAIN.ts")
        let dataset = try Loaders.ts(path: path)
        XCTAssertEqual(dataset.name, "TinyMotion")
        XCTAssertEqual(dataset.sampleShape, [4, 2])
        XCTAssertEqual(dataset.classNames, ["walk", "run", "idle"])
        XCTAssertEqual(dataset.labels, [1, 2, 0])
        XCTAssertEqual(Array(dataset.sample(0)), [1, 10, 2, 20, 3, 30, 4, 40])
        XCTAssertEqual(Array(dataset.sample(1)), [0.5, 5, 0.25, 6, -1, 7, 20, 8])
        XCTAssertEqual(Array(dataset.sample(2)), [-1, 0, -2, 0, -3, 0, -4, 0])
    }

    func testLoadsUnivariateWithCRLFAndNoSeriesLength() throws {
        let dir = try makeTemporaryDirectory(self)
        let text = "@problemName Uni\r\n@univariate true\r\n@equalLength true\r\n@classLabel true 1 2\r\n@data\r\n1,2,3:2\r\n4,5,6:1\r\n"
        let dataset = try Loaders.ts(path: try write(text, to: dir, "uni.ts"))
        XCTAssertEqual(dataset.sampleShape, [3, 1])
        XCTAssertEqual(dataset.inputs, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(dataset.labels, [1, 0])
        XCTAssertEqual(dataset.classNames, ["1", "2"])
    }

    func testRejectsWhatItCannotLoadFaithfully() throws {
        let dir = try makeTemporaryDirectory(self)
        func load(_ text: String) throws -> Dataset { try Loaders.ts(path: try write(text, to: dir, "bad.ts")) }
        let header = "@dimensions 1\n@seriesLength 3\n@classLabel true a b\n@data\n"

        assertDataError(try load(header + "1,2,3:a\n1,?,3:b\n"),
                        contains: ["bad.ts: line 6", "dimension 1, value 2", "missing value '?'"])
        assertDataError(try load(header + "1,2,3:a\n1,2:b\n"),
                        contains: ["line 6", "expected 3 values", "found 2"])
        assertDataError(try load(header + "1,x,3:a\n"), contains: ["line 5", "expected a number, found 'x'"])
        assertDataError(try load(header + "1,2,3:c\n"), contains: ["line 5", "class label 'c'", "a, b"])
        assertDataError(try load(header + "1,2,3:4,5,6:a\n"), contains: ["line 5", "expected 1 dimension(s)", "found 3 field(s)"])
        assertDataError(try load("@timeStamps true\n" + header), contains: ["line 1", "expected @timeStamps false"])
        assertDataError(try load("@equalLength false\n" + header), contains: ["line 1", "expected @equalLength true"])
        assertDataError(try load("@dimensions 1\n@classLabel false\n@data\n1:0\n"), contains: ["line 2", "@classLabel true"])
        assertDataError(try load("@dimensions 1\n@data\n1:0\n"), contains: ["line 2", "@classLabel header before @data"])
        assertDataError(try load("@classLabel true a\n1,2:a\n"), contains: ["line 2", "expected a header line"])
        assertDataError(try load(header), contains: ["expected at least one series"])
        assertDataError(try load("@classLabel true a\n"), contains: ["expected a @data line"])
    }
}

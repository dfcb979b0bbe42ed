import NasCore
import XCTest

final class PerLayerTests: XCTestCase {
    func testOneValueFillsEveryLayer() throws {
        XCTAssertEqual(try PerLayer.uniform(4).fitted(to: 3), [4, 4, 4])
        XCTAssertEqual(try PerLayer.uniform(4).fitted(to: 0), [])
    }

    func testAListGivesLayersTheirEntriesAndMayBeLonger() throws {
        let list: PerLayer<Double> = [0.1, 0.2, 0.3]
        XCTAssertEqual(try list.fitted(to: 3), [0.1, 0.2, 0.3])
        XCTAssertEqual(try list.fitted(to: 2), [0.1, 0.2], "a space's slots serve a smaller network")
    }

    func testAShortListIsAnErrorNamingTheLayerCount() {
        let list: PerLayer<Int> = [8, 4]
        XCTAssertThrowsError(try list.fitted(to: 5)) { error in
            XCTAssertEqual(error as? PerLayerError, PerLayerError(given: 2, layers: 5))
            XCTAssertEqual("\(error)", "lists 2 values, the network has 5 weighted layers: give 5 (one per weighted layer, in layer order) or one value for all")
        }
    }

    func testMapChecksEveryValue() {
        let widths = PerLayer<Double>.layers([8, 4, 9])
        XCTAssertThrowsError(try widths.map { v throws(BitWidthError) in try BitWidth(checking: v) }) { error in
            XCTAssertEqual("\(error)", "a bit-width must be a whole number from 2 to 8, not 9")
        }
        XCTAssertEqual(try PerLayer<Double>.uniform(6).map { v throws(BitWidthError) in try BitWidth(checking: v) }, .uniform(6))
    }
}

final class BitWidthTests: XCTestCase {
    func testTheRangeIsTwoToEight() throws {
        XCTAssertEqual(try BitWidth(checking: 2).bits, 2)
        XCTAssertEqual(try BitWidth(checking: 8.0).levels, 127)
        XCTAssertEqual(try BitWidth(checking: 4).levels, 7)
        for bad in [1.0, 9, 4.5, -3, 1e19, .nan, .infinity] {
            XCTAssertThrowsError(try BitWidth(checking: bad), "\(bad)")
        }
        XCTAssertEqual("\(BitWidthError(given: 1e19))", "a bit-width must be a whole number from 2 to 8, not 1e+19")
        XCTAssertEqual("\(BitWidthError(given: 1))", "a bit-width must be a whole number from 2 to 8, not 1")
    }
}

import XCTest
@testable import NasLang

/// Per-layer arguments follow `PerLayer`'s one rule from the language, and bit-widths are
/// checked in one place.
final class PerLayerArgumentTests: XCTestCase {
    let pico = "pico = board(name: \"P\", mcu: \"m\", core: \"Cortex-M0+\", clock: 1 MHz, ram: 1 MB, flash: 4 MB)\n"

    func testOneValueOrAListLongEnough() {
        // ResNet-8 has 10 weighted layers; a longer list leaves its last entries unused.
        let (out, error) = runWithEngine(pico + """
        all = cost(resnet(), pico, bits: 4).flash
        listed = cost(resnet(), pico, bits: [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 8, 8]).flash
        mixed = cost(resnet(), pico, bits: [8, 4, 4, 4, 4, 4, 4, 4, 4, 4]).flash
        print(all == listed, mixed > all)
        """)
        XCTAssertNil(error)
        XCTAssertEqual(out, "true true\n")
    }

    func testAShortListSaysHowManyLayersTheNetworkHas() throws {
        let error = try XCTUnwrap(runWithEngine(pico + "cost(resnet(), pico, bits: [8, 8])").error)
        XCTAssertTrue(error.hasPrefix("t.nas:2:22: error: cost: 'bits' lists 2 values, the network has 10 weighted layers: "
                                      + "give 10 (one per weighted layer, in layer order) or one value for all\n"), error)
    }

    func testCompressFitsTheSameWay() throws {
        let program = """
        data = dataset.motion(count: 60, length: 32, seed: 3)
        r = train(cnn1d(width: 4, depth: 2), data, epochs: 1, seed: 1)

        """
        let short = try XCTUnwrap(runWithEngine(program + "compress(r.model, data, prune: [0.5, 0.5], epochs: 1)").error)
        XCTAssertTrue(short.contains("compress: 'prune' lists 2 values, the network has 3 weighted layers"), short)
        let (out, error) = runWithEngine(program + "print(compress(r.model, data, bits: [4, 6, 8, 2], epochs: 1).bits)")
        XCTAssertNil(error)
        XCTAssertTrue(out.hasSuffix("[4, 6, 8]\n"), out)
    }

    func testBitWidthsOutsideTwoToEightAreOneError() throws {
        for bad in ["1", "9", "4.5", "1e19"] {
            let error = try XCTUnwrap(runWithEngine(pico + "cost(resnet(), pico, bits: [8, \(bad)])").error, bad)
            // A literal list is refused by `check`, before the program runs ("cost()").
            XCTAssertTrue(error.contains("t.nas:2:28: error: cost(): 'bits' must be a whole number from 2 to 8, not \(bad == "1e19" ? "1e+19" : bad)"), error)
        }
    }
}

import NasOptimize
import XCTest

/// The one list of strategies: every entry makes the strategy of its name, names are unique,
/// and the dimension limit is Sobol's exactly for the Sobol-seeded ones.
final class StrategyRegistryTests: XCTestCase {
    func testEachEntryMakesTheStrategyOfItsName() {
        for entry in StrategyRegistry.entries {
            XCTAssertEqual(entry.make(1).name, entry.name)
            XCTAssertEqual(StrategyRegistry.entry(named: entry.name)?.name, entry.name)
        }
        XCTAssertEqual(Set(StrategyRegistry.names).count, StrategyRegistry.names.count, "names are unique")
        XCTAssertNil(StrategyRegistry.entry(named: "ars-mobo"))
    }

    func testSobolSeededStrategiesStopAtSobolsDimensions() {
        XCTAssertEqual(StrategyRegistry.entry(named: "ars_mobo")?.maxDimensions, Sobol.maxDimensions)
        XCTAssertNil(StrategyRegistry.entry(named: "random")?.maxDimensions)
        XCTAssertNil(StrategyRegistry.entry(named: "nsga2")?.maxDimensions)
    }
}

import NasCore
import XCTest

final class MetricFormatTests: XCTestCase {
    func testAViolationShowsByHowMuchTheLimitIsBroken() {
        // 16.04 KB and 16 KB both print 16.0 KB at the usual precision.
        XCTAssertEqual(Metric.ram.format(16.04 * 1024), "16.0 KB")
        XCTAssertEqual(Metric.ram.format(16.04 * 1024, beside: 16 * 1024), "16.04 KB")
        XCTAssertEqual(Metric.latency.format(0.050004, beside: 0.05), "50.004 ms")
        XCTAssertEqual(Metric.macs.format(1_000_040, beside: 1_000_000), "1000040")
    }

    func testAClearViolationKeepsTheUsualPrecision() {
        XCTAssertEqual(Metric.ram.format(16.125 * 1024, beside: 16 * 1024), "16.1 KB")
        XCTAssertEqual(Metric.flash.format(2.5 * 1_048_576, beside: 1_048_576), "2.50 MB")
        XCTAssertEqual(Metric.latency.format(0.38069, beside: 0.05), "380.69 ms")
        XCTAssertEqual(Metric.ram.format(.nan, beside: 1024), Metric.ram.format(.nan))
    }
}

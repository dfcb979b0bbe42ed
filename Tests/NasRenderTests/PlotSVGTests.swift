import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import NasRender

/// SVG output: byte-stable goldens, well-formed XML, and the elements a report needs.
final class PlotSVGTests: XCTestCase {
    func testScatterSVGMatchesGolden() {
        assertGolden(Fixtures.searchPlot.renderSVG(), "scatter.svg")
    }

    func testBarChartSVGMatchesGolden() {
        let chart = BarChart(labelTitle: "layer", labels: ["conv1", "conv2 & <co>"], series: [
            BarSeries("prune", values: [0.25, 0.5], valueLabels: ["25%", "50%"], maximum: 1),
        ])
        let svg = chart.renderSVG()
        XCTAssertTrue(svg.contains("conv2 &amp; &lt;co&gt;"))
        try? XCTAssertEqual(elements(svg, "rect").count, 3)  // background and two bars
        assertGolden(svg, "bars.svg")
    }

    func testScatterSVGHasAxesPointsBudgetLinesAndLegend() throws {
        let plot = Fixtures.searchPlot
        let svg = plot.renderSVG()
        let circles = try elements(svg, "circle")
        let dots = plot.series[0].points.count, front = plot.series[2].points.count
        // Each point once, plus one sample per marker kind in the legend.
        XCTAssertEqual(circles.count, dots + front + 2)
        let dashed = try elements(svg, "line").filter { $0.attributes?.contains { $0.name == "stroke-dasharray" } == true }
        XCTAssertEqual(dashed.count, 4, "two budget lines and their legend samples")
        let texts = try elements(svg, "text").compactMap(\.stringValue)
        for expected in ["ram (KB)", "accuracy", "ram <= 64 KB", "accuracy >= 0.7", "0.9", "100", "Pareto front (6)"] {
            XCTAssertTrue(texts.contains(expected), "missing text \(expected) in \(texts)")
        }
        XCTAssertEqual(try elements(svg, "polyline").count, 1, "the front's staircase")
    }

    func testLinePlotSVGDrawsOnePolylinePerSeries() throws {
        let svg = Fixtures.hypervolumePlot.renderSVG(width: 640, height: 400)
        XCTAssertEqual(try elements(svg, "polyline").count, 2)
        XCTAssertTrue(svg.contains("width=\"640\" height=\"400\""))
    }

    /// Parses the document (failing on malformed XML) and returns every element with that name.
    func elements(_ svg: String, _ name: String) throws -> [XMLElement] {
        let document = try XMLDocument(xmlString: svg, options: [])
        return try document.nodes(forXPath: "//*[local-name()='\(name)']").compactMap { $0 as? XMLElement }
    }
}

import XCTest
@testable import NasRender

/// The text plots, checked against goldens (read them: they are the spec) and for the
/// properties a golden would only show by accident.
final class PlotTextTests: XCTestCase {
    func testScatterInBrailleMatchesGolden() {
        assertGolden(Fixtures.searchPlot.renderText() + "\n", "scatter_braille.txt")
    }

    func testScatterInASCIIMatchesGolden() {
        let text = Fixtures.searchPlot.renderText(TextPlotOptions(width: 50, height: 14, braille: false))
        XCTAssertTrue(text.unicodeScalars.allSatisfy(\.isASCII), text)
        assertGolden(text + "\n", "scatter_ascii.txt")
    }

    func testLinePlotMatchesGolden() {
        assertGolden(Fixtures.hypervolumePlot.renderText(TextPlotOptions(width: 50, height: 12)) + "\n", "lines_braille.txt")
    }

    func testLogScaleMatchesGolden() {
        let points = [PlotPoint(1.2e3, 0.61), PlotPoint(8e3, 0.7), PlotPoint(3.1e4, 0.78), PlotPoint(2.5e5, 0.83), PlotPoint(9e5, 0.85)]
        let plot = Plot(x: Axis("macs", scale: .log), y: Axis("accuracy"),
                        series: [Series("models", points: points, marker: .disc, connection: .lines)])
        let text = plot.renderText(TextPlotOptions(width: 48, height: 10, braille: false))
        XCTAssertTrue(text.contains("1000") && text.contains("1e6"), text)
        assertGolden(text + "\n", "scatter_log_ascii.txt")
    }

    func testBudgetLinesAreDrawnAndLabelled() {
        let text = Fixtures.searchPlot.renderText()
        let rows = text.split(separator: "\n").map(String.init)
        // The vertical line crosses every canvas row that holds nothing else there.
        XCTAssertGreaterThan(rows.filter { $0.contains("┆") }.count, 10)
        XCTAssertTrue(rows.contains { $0.contains("┄┄┄┄") })
        // Labelled inside the plot and in the legend.
        XCTAssertEqual(text.components(separatedBy: "ram <= 64 KB").count - 1, 2, text)
        XCTAssertEqual(text.components(separatedBy: "accuracy >= 0.7").count - 1, 2, text)
    }

    func testFrontPointsGetTheirOwnMarkerAndOverBudgetPointsAreCrossed() {
        let plot = Fixtures.searchPlot
        let text = plot.renderText(TextPlotOptions(width: 120, height: 40))
        let front = plot.series[2].points.count, over = plot.series[1].points.count
        // One glyph per point at this resolution, plus one in the legend.
        XCTAssertEqual(text.filter { $0 == "●" }.count, front + 1)
        XCTAssertEqual(text.filter { $0 == "×" }.count, over + 1)
    }

    func testColourOnlyWhenAsked() {
        let plain = Fixtures.searchPlot.renderText()
        XCTAssertFalse(plain.contains("\u{1B}"))
        let coloured = Fixtures.searchPlot.renderText(TextPlotOptions(colour: true))
        XCTAssertTrue(coloured.contains("\u{1B}[92m●"), "front in green")
        XCTAssertTrue(coloured.contains("\u{1B}[91m×"), "over budget in red")
        // Same picture once the escapes are taken out.
        XCTAssertEqual(coloured.replacingOccurrences(of: "\u{1B}\\[[0-9]+m", with: "", options: .regularExpression), plain)
    }

    func testStaircaseCornersAreTheWorseOfBothCoordinates() {
        let points = [PlotPoint(1, 0.5), PlotPoint(2, 0.8)]
        XCTAssertEqual(Series("", points: points, connection: .steps(xHigherIsBetter: false, yHigherIsBetter: true)).path,
                       [PlotPoint(1, 0.5), PlotPoint(2, 0.5), PlotPoint(2, 0.8)])
        let minimized = [PlotPoint(1, 3), PlotPoint(2, 1)]
        XCTAssertEqual(Series("", points: minimized, connection: .steps(xHigherIsBetter: false, yHigherIsBetter: false)).path,
                       [PlotPoint(1, 3), PlotPoint(2, 3), PlotPoint(2, 1)])
    }

    func testTicksAreRoundAndCoverTheData() {
        let scale = AxisScale(Axis("x"), values: [0.62, 0.91], targetTicks: 5)
        XCTAssertEqual(scale.labels, ["0.6", "0.7", "0.8", "0.9", "1.0"])
        XCTAssertEqual(AxisScale(Axis("x"), values: [12, 97], targetTicks: 6).labels, ["0", "20", "40", "60", "80", "100"])
        XCTAssertEqual(AxisScale(Axis("x"), values: [5, 5], targetTicks: 3).labels, ["4.5", "5.0", "5.5"])
        XCTAssertEqual(AxisScale(Axis("x", scale: .log), values: [3, 70], targetTicks: 5).labels, ["1", "2", "5", "10", "20", "50", "100"])
        XCTAssertEqual(AxisScale.format(2.5e6, decimals: 0), "2.5e6")
    }

    func testMarkedTableGetsAMarkColumn() {
        let table = TextTable(columns: [.init("trial", .right), .init("ram", .right)], rows: [["1", "40 KB"], ["2", "90 KB"], ["3", "8 KB"]])
        XCTAssertEqual(table.marked(["●", "✗"]).render(), """
           trial    ram
        ─  ─────  ─────
        ●      1  40 KB
        ✗      2  90 KB
               3   8 KB
        """)
    }

    func testBarChartMatchesGolden() {
        let chart = BarChart(title: "compression per layer", labelTitle: "layer", labels: ["conv1", "conv2", "conv3", "dense"], series: [
            BarSeries("prune", values: [0.1, 0.45, 0.8, 0.3], valueLabels: ["10%", "45%", "80%", "30%"], maximum: 1),
            BarSeries("bits", values: [8, 4, 2, 8], valueLabels: ["8", "4", "2", "8"], colour: .green),
        ])
        assertGolden(chart.renderText(barWidth: 16) + "\n" + chart.renderText(barWidth: 10, braille: false) + "\n", "bars.txt")
        let coloured = chart.renderText(barWidth: 16, colour: true)
        XCTAssertTrue(coloured.contains("\u{1B}[92m████████████████\u{1B}[0m"), coloured)
        XCTAssertEqual(coloured.replacingOccurrences(of: "\u{1B}\\[[0-9]+m", with: "", options: .regularExpression),
                       chart.renderText(barWidth: 16))
    }
}

import XCTest
@testable import PlexusNN

/// `formatFigure`, the one formatter of losses, metrics and norms: any Double prints.
final class FigureFormattingTests: XCTestCase {
    func testSmallFiguresHaveFourDecimals() {
        XCTAssertEqual(formatFigure(0.12344), "0.1234")
        XCTAssertEqual(formatFigure(20.70374), "20.7037")
        XCTAssertEqual(formatFigure(-0.00001), "0.0000")
        XCTAssertEqual(formatFigure(999_999.5), "999999.5000")
    }

    func testLargeFiguresPrintInScientificForm() {
        XCTAssertEqual(formatFigure(1.2e15), "1.2e+15")
        XCTAssertEqual(formatFigure(9.3e18), "9.3e+18")       // beyond Int.max: used to trap
        XCTAssertEqual(formatFigure(-Double.greatestFiniteMagnitude), "-1.798e+308")
        XCTAssertEqual(format4(Float.greatestFiniteMagnitude), "3.403e+38")
    }

    func testNonFiniteFiguresPrintByName() {
        XCTAssertEqual(formatFigure(.nan), "nan")
        XCTAssertEqual(formatFigure(.infinity), "inf")
        XCTAssertEqual(format4(-.infinity), "-inf")
    }

    func testHistoryChartOfHugeLossesDrawsWithoutTrapping() {
        let records = [Float(3e38), -3e38, 1].map {
            TrainingRecord(label: "x", loss: $0, metrics: [], validationLoss: nil, validationMetrics: [])
        }
        let chart = historyChart(records, modelName: "m")
        XCTAssertTrue(chart.contains("3e+38") && chart.contains("-3e+38"), chart)
    }
}

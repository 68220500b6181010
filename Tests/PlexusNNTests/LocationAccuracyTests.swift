import PlexusTensor
import PlexusNN
import XCTest
@testable import PlexusNN

final class LocationAccuracyTests: XCTestCase {
    private func t(_ shape: [Int], _ values: [Float]) throws -> Tensor { try Tensor(shape: shape, values: values) }

    func testASampleCountsWhenBothMapsPeakAtTheSamePlace() throws {
        // Sample 0 peaks at (0, 1) in both; sample 1 predicts (1, 1), the target is at (1, 0).
        let target = try t([2, 2, 2, 1], [0, 1, 0, 0, 0, 0, 1, 0])
        let prediction = try t([2, 2, 2, 1], [0.1, 0.3, 0.2, 0.1, 0.0, 0.1, 0.2, 0.6])
        XCTAssertEqual(try locationAccuracy(prediction: prediction, target: target), 0.5)
        XCTAssertEqual(try Metric.locationAccuracy(prediction: target, target: target), 1)
    }

    func testLogitsScoreAsProbabilitiesDo() throws {
        let target = try t([1, 3], [0, 0, 1])
        XCTAssertEqual(try locationAccuracy(prediction: t([1, 3], [-9, -5, -1]), target: target), 1)
    }

    func testTiesGoToTheFirstPlaceOnBothSides() throws {
        // A flat prediction peaks at place 0: right only for a target there.
        XCTAssertEqual(try locationAccuracy(prediction: t([2, 3], [0, 0, 0, 0, 0, 0]), target: t([2, 3], [1, 0, 0, 0, 1, 0])), 0.5)
    }

    func testATrailingUnitAxisOnEitherSideIsIgnored() throws {
        XCTAssertEqual(try locationAccuracy(prediction: t([1, 2, 2, 1], [0, 0, 0, 1]), target: t([1, 2, 2], [0, 0, 0, 1])), 1)
    }

    func testOtherShapesAreRefusedNamingBoth() throws {
        XCTAssertThrowsError(try locationAccuracy(prediction: t([1, 4], [0, 0, 0, 1]), target: t([1, 2, 2], [0, 0, 0, 1]))) { error in
            XCTAssertTrue("\(error)".contains("location_accuracy") && "\(error)".contains("(1, 4)") && "\(error)".contains("(1, 2, 2)"), "\(error)")
        }
    }

    func testTheMetricIsNamedAsCompileTakesIt() {
        XCTAssertEqual(Metric(named: "location_accuracy"), .locationAccuracy)
        XCTAssertTrue(Metric.locationAccuracy.higherIsBetter)
    }

    func testEvaluateReportsItForAModelThatPointsAtThePeak() throws {
        // The identity on a map (a 1x1 convolution with weight 1) points exactly where its input
        // peaks; its negation points at the smallest value.
        let x = try Input(shape: [3, 3, 1])
        let layer = try Conv2D(filters: 1, kernelSize: 1, useBias: false)
        let m = try Model(inputs: x, outputs: layer(x))
        try layer.weights[0].assign(Tensor(shape: [1, 1, 1, 1], values: [1]))
        m.compile(loss: .meanSquaredError, optimizer: try SGD(learningRate: 0.1), metrics: [.locationAccuracy])
        let maps = try seededTensor([4, 3, 3, 1], seed: 8)
        let context = ForwardContext(seed: 1)
        XCTAssertEqual(try m.evaluate(Dataset(maps, target: maps), context: context).metrics.first?.value, 1)
        try layer.weights[0].assign(Tensor(shape: [1, 1, 1, 1], values: [-1]))
        XCTAssertEqual(try m.evaluate(Dataset(maps, target: maps), context: context).metrics.first?.value, 0)
    }
}

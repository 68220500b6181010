import PlexusTensor
import PlexusNN
import XCTest
@testable import PlexusNN

// Expected values marked "Keras docstring" are the examples in keras/src/metrics/accuracy_metrics.py.

final class MetricTests: XCTestCase {
    private func t(_ shape: [Int], _ values: [Float]) throws -> Tensor { try Tensor(shape: shape, values: values) }

    func testBinaryAccuracyMatchesKerasDocstring() throws {
        let target = try t([4, 1], [1, 1, 0, 0]), prediction = try t([4, 1], [0.98, 1, 0, 0.6])
        XCTAssertEqual(try binaryAccuracy(prediction: prediction, target: target), 0.75)
    }

    func testBinaryAccuracyThresholdIsStrict() throws {
        // 0.5 is not above 0.5: predicted 0, which matches target 0 and misses target 1.
        XCTAssertEqual(try binaryAccuracy(prediction: t([2], [0.5, 0.5]), target: t([2], [0, 1])), 0.5)
        XCTAssertEqual(try binaryAccuracy(prediction: t([2], [0.5, 0.5]), target: t([2], [1, 1]), threshold: 0.4), 1)
    }

    func testBinaryAccuracyAcceptsATrailingUnitAxisOnEitherSide() throws {
        XCTAssertEqual(try binaryAccuracy(prediction: t([3, 1], [0.9, 0.1, 0.7]), target: t([3], [1, 0, 0])), 2 / 3, accuracy: 1e-6)
        XCTAssertEqual(try binaryAccuracy(prediction: t([3], [0.9, 0.1, 0.7]), target: t([3, 1], [1, 0, 0])), 2 / 3, accuracy: 1e-6)
    }

    func testBinaryAccuracyRejectsOtherShapesNamingBoth() throws {
        XCTAssertThrowsError(try binaryAccuracy(prediction: t([2, 2], [0, 0, 0, 0]), target: t([4], [0, 0, 0, 0]))) { error in
            XCTAssertTrue("\(error)".contains("(2, 2)") && "\(error)".contains("(4,)"), "\(error)")
        }
        XCTAssertThrowsError(try binaryAccuracy(prediction: t([1], [0]), target: t([1], [0]), threshold: 1))
    }

    func testCategoricalAccuracyMatchesKerasDocstring() throws {
        let target = try t([2, 3], [0, 0, 1, 0, 1, 0]), prediction = try t([2, 3], [0.1, 0.9, 0.8, 0.05, 0.95, 0])
        XCTAssertEqual(try categoricalAccuracy(prediction: prediction, target: target), 0.5)
    }

    func testCategoricalAccuracyBreaksTiesTowardTheFirstClass() throws {
        // Both rows predict a tie between classes 0 and 1: argmax is 0, right for row 0 only.
        let prediction = try t([2, 2], [0.5, 0.5, 0.5, 0.5]), target = try t([2, 2], [1, 0, 0, 1])
        XCTAssertEqual(try categoricalAccuracy(prediction: prediction, target: target), 0.5)
    }

    func testCategoricalAccuracyRejectsMismatchedShapes() throws {
        XCTAssertThrowsError(try categoricalAccuracy(prediction: t([2, 3], Array(repeating: 0, count: 6)), target: t([2], [0, 1]))) { error in
            XCTAssertTrue("\(error)".contains("(2, 3)") && "\(error)".contains("(2,)"), "\(error)")
        }
    }

    func testSparseCategoricalAccuracyMatchesKerasDocstring() throws {
        let target = try t([2, 1], [2, 1]), prediction = try t([2, 3], [0.1, 0.6, 0.3, 0.05, 0.95, 0])
        XCTAssertEqual(try sparseCategoricalAccuracy(prediction: prediction, target: target), 0.5)
    }

    func testSparseCategoricalAccuracyTakesLabelsWithoutClassAxis() throws {
        let prediction = try t([3, 2], [0.2, 0.8, 0.9, 0.1, 0.3, 0.7]), target = try t([3], [1, 0, 0])
        XCTAssertEqual(try sparseCategoricalAccuracy(prediction: prediction, target: target), 2 / 3, accuracy: 1e-6)
    }

    func testSparseCategoricalAccuracyRejectsLabelsOfAnotherShape() throws {
        XCTAssertThrowsError(try sparseCategoricalAccuracy(prediction: t([2, 3], Array(repeating: 0, count: 6)), target: t([3], [0, 1, 2]))) { error in
            XCTAssertTrue("\(error)".contains("(3,)") && "\(error)".contains("(2, 3)"), "\(error)")
        }
    }

    func testMeanAbsoluteErrorByHand() throws {
        // |1-2| + |2-2| + |3-5| = 3, over 3 elements
        XCTAssertEqual(try meanAbsoluteError(prediction: t([3], [1, 2, 3]), target: t([3], [2, 2, 5])), 1)
    }

    func testMetricNamesAreKerasNames() {
        XCTAssertEqual(Metric(named: "mae"), .meanAbsoluteError)
        XCTAssertEqual(Metric.meanAbsoluteError.name, "mean_absolute_error")
        XCTAssertEqual(Metric(named: "sparse_categorical_accuracy"), .sparseCategoricalAccuracy)
        XCTAssertNil(Metric(named: "accuracy"), "the caller resolves accuracy by the loss")
    }

    func testMetricValueCallsTheNamedFunction() throws {
        let metric = try XCTUnwrap(Metric(named: "binary_accuracy"))
        XCTAssertEqual(try metric(prediction: t([2], [0.9, 0.2]), target: t([2], [1, 1])), 0.5)
    }
}

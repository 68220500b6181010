import Foundation
import XCTest
@testable import PlexusNN

/// `loadKerasWeights`: Keras's weight files into models written with Plexus's API (as the zoo
/// scripts are), judged by Keras's outputs on the fixtures' inputs.
final class KerasWeightsTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    /// The fixtures' sequential CNN, written by hand with Plexus's layers (automatic names).
    private func cnn() throws -> Model {
        let x = try Input(shape: [12, 12, 3])
        var h = try Conv2D(filters: 8, kernelSize: 3, padding: .same, activation: .relu)(x)
        h = try MaxPooling2D(poolSize: 2)(h)
        h = try Conv2D(filters: 6, kernelSize: [3, 2], useBias: false)(h)
        h = try AveragePooling2D(poolSize: 2, padding: .same)(h)
        h = try Flatten()(h)
        h = try Dense(units: 10, activation: .relu)(h)
        h = try Dropout(rate: 0.5)(h)
        h = try Dense(units: 3, activation: .softmax)(h)
        return try Model(inputs: x, outputs: h, name: "cnn")
    }

    /// The fixtures' siamese network, with Keras's layer names (legacy files match by name).
    private func siamese() throws -> Model {
        let fx = try Input(shape: [10, 10, 1])
        var fh = try Conv2D(filters: 4, kernelSize: 3, activation: .relu, name: "conv2d_2")(fx)
        fh = try GlobalAveragePooling2D()(fh)
        let feature = try Model(inputs: fx, outputs: try Dense(units: 5, activation: .tanh, name: "dense_2")(fh), name: "feature")
        let a = try Input(shape: [10, 10, 1], name: "left"), b = try Input(shape: [10, 10, 1], name: "right")
        let y = try Dense(units: 2, activation: .softmax, name: "dense_3")(Concatenate()([feature(a), feature(b)]))
        return try Model(inputs: [a, b], outputs: [y], name: "siamese")
    }

    func testKeras3WeightsFileLoadsByLayerOrder() throws {
        let m = try cnn()
        XCTAssertEqual(try loadKerasWeights(into: m, from: kerasFixture("sequential_cnn.weights.h5")), 7)
        XCTAssertLessThan(try maxDifferenceFromKeras(m, fixture: "sequential_cnn"), 1e-5)
    }

    func testWeightsInsideAKerasFileLoad() throws {
        let m = try cnn()
        XCTAssertEqual(try loadKerasWeights(into: m, from: kerasFixture("sequential_cnn.keras")), 7)
        XCTAssertLessThan(try maxDifferenceFromKeras(m, fixture: "sequential_cnn"), 1e-5)
    }

    func testLegacyModelWeightsLoadByLayerName() throws {
        let m = try siamese()
        XCTAssertEqual(try loadKerasWeights(into: m, from: kerasFixture("siamese.h5")), 6)
        XCTAssertLessThan(try maxDifferenceFromKeras(m, fixture: "siamese"), 1e-5)
    }

    func testNestedKeras3WeightsLoad() throws {
        let m = try siamese()
        XCTAssertEqual(try loadKerasWeights(into: m, from: kerasFixture("siamese.weights.h5")), 6)
        XCTAssertLessThan(try maxDifferenceFromKeras(m, fixture: "siamese"), 1e-5)
    }

    func testWrongShapeNamesTheLayerAndChangesNothing() throws {
        let x = try Input(shape: [12, 12, 3])
        var h = try Conv2D(filters: 8, kernelSize: 3, padding: .same, activation: .relu)(x)
        h = try MaxPooling2D(poolSize: 2)(h)
        h = try Conv2D(filters: 5, kernelSize: [3, 2], useBias: false)(h)   // Keras's has 6 filters
        h = try Dense(units: 3)(Flatten()(AveragePooling2D(poolSize: 2, padding: .same)(h)))
        let m = try Model(inputs: x, outputs: h, name: "cnn")
        XCTAssertThrowsError(try loadKerasWeights(into: m, from: kerasFixture("sequential_cnn.weights.h5"))) { e in
            XCTAssertTrue("\(e)".contains("conv2d_1 (Conv2D) expects kernel of shape (3, 2, 8, 5)"), "\(e)")
        }
        XCTAssertTrue(m.weights.allSatisfy { !$0.isMaterialized }, "a failed load assigned weights")
    }

    func testLegacyFileWithoutTheModelsLayerIsRefused() throws {
        let m = try cnn()
        XCTAssertThrowsError(try loadKerasWeights(into: m, from: kerasFixture("siamese.h5"))) { e in
            XCTAssertTrue("\(e)".contains("has no layer feature"), "\(e)")
        }
    }

    func testNotAWeightFileIsADataError() throws {
        XCTAssertThrowsError(try loadKerasWeights(into: try cnn(), from: kerasFixture("siamese.in0.npy"))) { e in
            XCTAssertTrue(e is DataError, "\(e)")
        }
    }
}

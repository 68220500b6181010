import PlexusTensor
import PlexusNN
import Foundation
import XCTest
@testable import PlexusNN

/// The folder of the Keras fixtures (`make fixtures` writes them with Keras 3).
let kerasFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/keras").path

/// A fixture's path by file name.
func kerasFixture(_ name: String) -> String { kerasFixtures + "/" + name }

/// Keras's inputs and outputs for fixture `name` (`name.in0.npy`, `name.out0.npy`, ...).
func kerasExamples(_ name: String) throws -> (inputs: [Tensor], outputs: [Tensor]) {
    func files(_ kind: String) throws -> [Tensor] {
        var found: [Tensor] = []
        while FileManager.default.fileExists(atPath: kerasFixture("\(name).\(kind)\(found.count).npy")) {
            found.append(try npy(kerasFixture("\(name).\(kind)\(found.count).npy")))
        }
        return found
    }
    return (try files("in"), try files("out"))
}

/// The largest absolute difference between `model`'s outputs on the fixture's inputs and Keras's.
func maxDifferenceFromKeras(_ model: Model, fixture name: String) throws -> Float {
    let (inputs, expected) = try kerasExamples(name)
    XCTAssertFalse(inputs.isEmpty, "no inputs for \(name)")
    let context = ForwardContext(training: false, generator: RandomGenerator(seed: 1))
    let outputs = try predict(model, inputs: inputs, context: context)
    XCTAssertEqual(outputs.count, expected.count, "\(name): number of outputs")
    var worst: Float = 0
    for (o, e) in zip(outputs, expected) {
        XCTAssertEqual(o.shape, e.shape, "\(name): output shape")
        guard o.shape == e.shape else { return .infinity }
        for (a, b) in zip(o.scalars, e.scalars) { worst = max(worst, abs(a - b)) }
    }
    return worst
}

/// Each Keras fixture imported: the parameter counts Keras printed when it wrote them, and
/// outputs equal to Keras's to 1e-5.
final class KerasFixtureTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    private func check(_ name: String, file: String, total: Int, nonTrainable: Int) throws {
        let m = try loadKeras(kerasFixture(file))
        XCTAssertEqual(m.parameterCount.total, total, file)
        XCTAssertEqual(m.parameterCount.nonTrainable, nonTrainable, file)
        XCTAssertLessThan(try maxDifferenceFromKeras(m, fixture: name), 1e-5, file)
    }

    func testSequentialCNNMatchesKeras() throws {
        try check("sequential_cnn", file: "sequential_cnn.keras", total: 915, nonTrainable: 0)
    }

    func testSiameseSharesOneNestedModel() throws {
        let m = try loadKeras(kerasFixture("siamese.keras"))
        XCTAssertEqual(m.parameterCount.total, 87)
        let feature = try XCTUnwrap(m["feature"] as? Model)
        XCTAssertEqual(m.calls(of: feature).count, 2)
        XCTAssertEqual(m.inputs.map(\.producer.name), ["left", "right"])
        XCTAssertLessThan(try maxDifferenceFromKeras(m, fixture: "siamese"), 1e-5)
    }

    func testResidualBlockWithBatchNormalizationMatchesKeras() throws {
        try check("residual_bn", file: "residual_bn.keras", total: 398, nonTrainable: 16)
    }

    func testDepthwiseAndSeparableConvolutionsMatchKeras() throws {
        try check("separable", file: "separable.keras", total: 219, nonTrainable: 0)
    }

    func testMultiOutputModelKeepsItsOutputsAndSharedLayer() throws {
        let m = try loadKeras(kerasFixture("multi_output.keras"))
        XCTAssertEqual(m.outputs.map(\.producer.name), ["head_class", "head_value", "reshape"])
        XCTAssertEqual(m.calls(of: try m.layer(named: "shared")).count, 2)
        XCTAssertEqual(m.parameterCount.total, 120)
        XCTAssertLessThan(try maxDifferenceFromKeras(m, fixture: "multi_output"), 1e-5)
    }

    func testLegacyH5ModelsMatchKeras() throws {
        try check("sequential_cnn", file: "sequential_cnn.h5", total: 915, nonTrainable: 0)
        try check("siamese", file: "siamese.h5", total: 87, nonTrainable: 0)
        try check("residual_bn", file: "residual_bn.h5", total: 398, nonTrainable: 16)
        try check("separable", file: "separable.h5", total: 219, nonTrainable: 0)
        try check("multi_output", file: "multi_output.h5", total: 120, nonTrainable: 0)
    }
}

import PlexusTensor
import PlexusNN
import Foundation
import XCTest
@testable import PlexusNN

/// `saveKeras`: what it writes reads back with the same names, sharing, counts and outputs (Keras
/// itself opens these files in `make keras-check`).
final class KerasExportTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        NameScope.current = NameScope()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-keras-export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    func testRoundTripKeepsNamesSharingAndOutputs() throws {
        let m = try loadKeras(kerasFixture("siamese.keras"))
        var generator = RandomGenerator(seed: 1)
        let report = try saveKeras(m, to: folder + "/siamese.keras", using: &generator)
        XCTAssertNil(report.customLayersModule)
        NameScope.current = NameScope()
        let back = try loadKeras(folder + "/siamese.keras")
        XCTAssertEqual(back.layers.map(\.name), m.layers.map(\.name))
        XCTAssertEqual(back.parameterCount, m.parameterCount)
        XCTAssertEqual(back.calls(of: try back.layer(named: "feature")).count, 2)
        XCTAssertLessThan(try maxDifferenceFromKeras(back, fixture: "siamese"), 1e-5)
    }

    func testBatchNormalizationStatisticsSurviveTheRoundTrip() throws {
        let m = try loadKeras(kerasFixture("residual_bn.keras"))
        var generator = RandomGenerator(seed: 1)
        _ = try saveKeras(m, to: folder + "/residual.keras", using: &generator)
        let back = try loadKeras(folder + "/residual.keras")
        XCTAssertEqual(back.parameterCount.nonTrainable, 16)
        XCTAssertLessThan(try maxDifferenceFromKeras(back, fixture: "residual_bn"), 1e-5)
    }

    func testKernelExpressionsBecomeCustomLayersWithTheirModule() throws {
        let coeffs = try Weight(name: "a", shape: [4, 3])
        let basis = try Weight(name: "b", shape: [3, 9], trainable: false)
        let product = try MatMul()([coeffs, basis])                      // (4, 9)
        let kernel = try ReshapeOp([3, 3, 1, 4])(Transpose(axes: [1, 0])(product))
        let img = try Input(shape: [6, 6, 1])
        let m = try Model(inputs: img, outputs: try Conv(padding: .same)([img, kernel]), name: "basis_conv")
        var generator = RandomGenerator(seed: 1)
        let report = try saveKeras(m, to: folder + "/basis.keras", using: &generator)
        let module = try XCTUnwrap(report.customLayersModule)
        XCTAssertEqual(module, folder + "/plexus_layers.py")
        let python = try String(contentsOfFile: module, encoding: .utf8)
        for className in ["PlexusWeight", "PlexusMatMul", "PlexusReshape", "PlexusTranspose", "PlexusConv"] {
            XCTAssertTrue(python.contains("class \(className)("), className)
        }
        NameScope.current = NameScope()
        let back = try loadKeras(folder + "/basis.keras")
        XCTAssertEqual(back.parameterCount, m.parameterCount)
        XCTAssertEqual(back.parameterCount.nonTrainable, 27)
        let x = try Tensor(shape: [2, 6, 6, 1], values: (0..<72).map { Float($0 % 7) / 7 })
        let context = ForwardContext(training: false, generator: RandomGenerator(seed: 2))
        let (a, b) = (try predict(m, inputs: [x], context: context)[0], try predict(back, inputs: [x], context: context)[0])
        XCTAssertEqual(a.shape, [2, 6, 6, 4])
        XCTAssertLessThan(zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 1, 1e-6)
    }

    func testAFailedSaveLeavesNoFile() throws {
        let m = try loadKeras(kerasFixture("separable.keras"))
        var generator = RandomGenerator(seed: 1)
        XCTAssertThrowsError(try saveKeras(m, to: folder + "/missing/sep.keras", using: &generator))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [])
    }

    func testInceptionResNetsScaledResidualGoesOutAndComesBackAsKerasCustomScaleLayer() throws {
        let x = try Input(shape: [4, 4, 2]), r = try Input(shape: [4, 4, 2])
        let m = try Model(inputs: [x, r], outputs: [ScaledAdd(scale: 0.17, name: "block35_1")([x, r])], name: "scaled")
        var generator = RandomGenerator(seed: 3)
        _ = try saveKeras(m, to: folder + "/scaled.keras", using: &generator)
        let back = try loadKeras(folder + "/scaled.keras")
        XCTAssertEqual(back.layers.map(\.typeName), ["InputLayer", "InputLayer", "CustomScaleLayer"])
        let a = try seededTensor([2, 4, 4, 2], seed: 1), b = try seededTensor([2, 4, 4, 2], seed: 2)
        let context = ForwardContext(training: false, generator: RandomGenerator(seed: 4))
        let y = try predict(back, inputs: [a, b], context: context)[0]
        let expected = zip(a.scalars, b.scalars).map { $0 + 0.17 * $1 }
        XCTAssertLessThan(zip(y.scalars, expected).map { abs($0 - $1) }.max() ?? 1, 1e-6)
    }
}

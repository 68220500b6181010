import PlexusTensor
import PlexusNN
import XCTest

final class WeightTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    func testSummarisingVGG16AllocatesNoWeightStorage() throws {
        let m = try Applications.vgg16()
        _ = summary(m)
        _ = m.description
        XCTAssertEqual(m.weights.count, 32)
        XCTAssertTrue(m.weights.allSatisfy { !$0.isMaterialized })
    }

    func testMaterialiseCreatesAVariableOnceWithTrainabilityAsRequiresGrad() throws {
        let w = try Weight(name: "w", shape: [2, 3], initializer: .ones)
        let f = try Weight(name: "f", shape: [2], trainable: false)
        XCTAssertNil(w.variable)
        var gen = RandomGenerator(seed: 3)
        let v = try w.materialize(using: &gen)
        XCTAssertTrue(v === (try w.materialize(using: &gen)))
        XCTAssertEqual(v.value.scalars, [1, 1, 1, 1, 1, 1])
        XCTAssertTrue(v.requiresGrad)
        XCTAssertFalse(try f.materialize(using: &gen).requiresGrad)
        f.trainable = true
        XCTAssertEqual(f.variable?.requiresGrad, true, "unfreezing a materialised weight keeps its value and now requires grad")
    }

    func testKerasFansForDenseAndConvKernels() {
        XCTAssertTrue(Initializer.fans(for: [64, 10]) == (64, 10))
        // (kh, kw, cin, cout) = (3, 3, 16, 32): receptive field 9.
        XCTAssertTrue(Initializer.fans(for: [3, 3, 16, 32]) == (144, 288))
        XCTAssertTrue(Initializer.fans(for: [7]) == (7, 7))
    }

    func testGlorotUniformStaysWithinItsLimit() throws {
        // limit = sqrt(6 / (144 + 288)) = 0.11785
        var gen = RandomGenerator(seed: 5)
        let t = try Initializer.glorotUniform.tensor(shape: [3, 3, 16, 32], using: &gen)
        let limit: Float = (6.0 / 432.0).squareRoot()
        XCTAssertLessThanOrEqual(t.scalars.map(abs).max() ?? 1, limit)
        XCTAssertGreaterThan(t.scalars.map(abs).max() ?? 0, limit * 0.95)
    }

    func testHeNormalIsTruncatedAtTwoStandardDeviationsWithKerasVariance() throws {
        // stddev = sqrt(2 / 400) / 0.87962566 = 0.080387; truncated at 2 * that.
        var gen = RandomGenerator(seed: 9)
        let t = try Initializer.heNormal.tensor(shape: [400, 300], using: &gen)
        let s = t.scalars
        let std = Float((2.0 / 400.0).squareRoot() / 0.879_625_66)
        XCTAssertLessThanOrEqual(s.map(abs).max() ?? 1, 2 * std + 1e-6)
        let mean = s.reduce(0, +) / Float(s.count)
        let variance = s.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(s.count)
        // The truncated distribution's variance is the untruncated target 2 / fan_in.
        XCTAssertEqual(variance, 2.0 / 400.0, accuracy: 2e-4)
    }

    func testInitializersByKerasName() {
        XCTAssertEqual(Initializer(name: "he_uniform"), .heUniform)
        XCTAssertEqual(Initializer(name: "random_normal"), .randomNormal(mean: 0, stddev: 0.05))
        XCTAssertNil(Initializer(name: "glorot"))
        XCTAssertEqual(ActivationFunction(name: "leaky_relu"), .leakyRelu(alpha: 0.2))
    }

    func testAssignChecksTheShape() throws {
        let w = try Weight(name: "w", shape: [2])
        XCTAssertThrowsError(try w.assign(Tensor.zeros([3])))
        try w.assign(Tensor(shape: [2], values: [4, 5]))
        XCTAssertEqual(w.variable?.value.scalars, [4, 5])
    }

    func testBatchNormInferenceModeFollowsFreezingUnlessSet() throws {
        let bn = try BatchNormalization()
        XCTAssertFalse(bn.inferenceMode)
        bn.freeze()
        XCTAssertTrue(bn.inferenceMode)
        bn.inferenceMode = false
        XCTAssertFalse(bn.inferenceMode, "frozen but still using batch statistics")
        bn.unfreeze()
        bn.inferenceMode = true
        XCTAssertTrue(bn.inferenceMode && !bn.isFrozen, "inference mode without freezing")
    }
}

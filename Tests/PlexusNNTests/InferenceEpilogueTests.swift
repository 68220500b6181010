import PlexusTensor
@testable import PlexusNN
import XCTest

/// In inference the plan applies a batch normalisation (and the activation after it) in place to
/// the output of the convolution or `Dense` before it, in one per-channel pass.
final class InferenceEpilogueTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    /// conv -> BN -> ReLU6 -> depthwise conv -> BN -> relu -> dense: MobileNet's block shape, with
    /// statistics and affine weights far from the identity so a missed term shows.
    private func block() throws -> (Model, [BatchNormalization]) {
        let x = try Input(shape: [6, 6, 3])
        let bn1 = try BatchNormalization(), bn2 = try BatchNormalization(epsilon: 0.01)
        var h = try Conv2D(filters: 5, kernelSize: 3, padding: .same, useBias: false)(x)
        h = try ReLU(maxValue: 6)(bn1(h))
        h = try DepthwiseConv2D(kernelSize: 3, padding: .same)(h)
        h = try Activation(.relu)(bn2(h))
        let y = try Dense(units: 2)(Flatten()(h))
        let m = try Model(inputs: x, outputs: y, name: "block")
        var gen = RandomGenerator(seed: 9)
        try m.materializeWeights(using: &gen)
        for bn in [bn1, bn2] {
            for w in bn.weights {
                let c = w.shape[0]
                let values: [Float] = (0..<c).map { i in
                    switch w.name {
                    case "moving_variance": return 0.5 + Float(i) * 0.3
                    case "gamma": return 1.5 - Float(i) * 0.4
                    default: return Float(i) * 0.2 - 0.3
                    }
                }
                try w.assign(Tensor(shape: [c], values: values))
            }
        }
        return (m, [bn1, bn2])
    }

    private func runs(_ m: Model, _ x: Tensor) throws -> (fused: Tensor, asWritten: Tensor) {
        let context = ForwardContext(seed: 1)
        let fused = try withoutGradients { try m.plan().run(inputs: [x], context: context)[0].value }
        // With gradients on, an inference run takes every layer as written.
        let asWritten = try m.plan().run(inputs: [x], context: context)[0].value
        return (fused, asWritten)
    }

    func testThePlanTakesEachNormalisationAndItsActivationIntoTheConvolutionBefore() throws {
        let (m, _) = try block()
        let lines = try m.plan().description.split(separator: "\n")
        XCTAssertTrue(lines.contains { $0.contains("conv2d (Conv2D) + batch_normalization in inference + relu6") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.contains("depthwise_conv2d (DepthwiseConv2D) + batch_normalization_1 in inference + relu") }, "\(lines)")
    }

    func testTheFusedInferenceEqualsTheLayersRunAsWrittenToTheBit() throws {
        let (m, _) = try block()
        let (fused, asWritten) = try runs(m, try seededTensor([2, 6, 6, 3], seed: 4))
        XCTAssertEqual(fused.shape, [2, 2])
        XCTAssertEqual(fused.scalars, asWritten.scalars)
    }

    func testNewStatisticsAreSeenByTheNextRun() throws {
        let (m, norms) = try block()
        let x = try seededTensor([1, 6, 6, 3], seed: 5)
        let before = try runs(m, x).fused
        let mean = try XCTUnwrap(norms[0].weights.first { $0.name == "moving_mean" })
        try mean.assign(Tensor(shape: [5], values: [3, -2, 1, 0.5, -1]))
        let (after, asWritten) = try runs(m, x)
        XCTAssertNotEqual(after.scalars, before.scalars)
        XCTAssertEqual(after.scalars, asWritten.scalars)
    }

    func testTrainingRunsTheNormalisationOnTheBatchAsWritten() throws {
        let (m, norms) = try block()
        let mean = try XCTUnwrap(norms[0].weights.first { $0.name == "moving_mean" })
        let old = mean.variable?.value.scalars
        let context = ForwardContext(training: true, seed: 2)
        _ = try withoutGradients { try m.plan().run(inputs: [try seededTensor([4, 6, 6, 3], seed: 6)], context: context) }
        XCTAssertNotEqual(mean.variable?.value.scalars, old, "a training run updates the moving statistics: the layer ran")
    }

    func testANormalisationOnAnotherAxisOrReadTwiceStaysALayer() throws {
        let x = try Input(shape: [4, 4, 2])
        let c = try Conv2D(filters: 3, kernelSize: 1)(x)
        let other = try Model(inputs: x, outputs: BatchNormalization(axis: 1)(c), name: "axis1")
        XCTAssertFalse(try other.plan().description.contains("in inference"))
        let c2 = try Conv2D(filters: 3, kernelSize: 1)(x)
        let twice = try Model(inputs: x, outputs: Add()([BatchNormalization()(c2), c2]), name: "twice")
        XCTAssertFalse(try twice.plan().description.contains("in inference"))
        var gen = RandomGenerator(seed: 3)
        try other.materializeWeights(using: &gen)
        let (fused, asWritten) = try runs(other, try seededTensor([1, 4, 4, 2], seed: 7))
        XCTAssertEqual(fused.scalars, asWritten.scalars)
    }
}

extension InferenceEpilogueTests {
    /// Every convolution path with its normalisation applied as it writes: a padded stride-2
    /// depthwise convolution (the pad handed over, rows finished one by one), a grouped and a 1x1
    /// convolution (a pass at the end), a Winograd one (32 channels over 10x10, batch 4) and a
    /// 3x3 im2col one (chunk by chunk). Statistics far from the identity; equal to the layers run
    /// as written, to the bit.
    func testEveryConvolutionPathAppliesItsEpilogueAsTheLayersWouldToTheBit() throws {
        let x = try Input(shape: [21, 20, 12])
        var norms: [BatchNormalization] = []
        func bn(_ h: SymbolicTensor, _ activation: ActivationFunction) throws -> SymbolicTensor {
            let n = try BatchNormalization()
            norms.append(n)
            return try Activation(activation)(n(h))
        }
        var h = try DepthwiseConv2D(kernelSize: 3, strides: 2, padding: .valid)(ZeroPadding2D(top: 0, bottom: 1, left: 0, right: 1)(x))
        h = try bn(h, .relu6)
        h = try bn(Conv2D(filters: 8, kernelSize: 3, padding: .same, groups: 4, useBias: false)(h), .relu)
        h = try bn(Conv2D(filters: 32, kernelSize: 1)(h), .tanh)
        h = try bn(Conv2D(filters: 32, kernelSize: 3, padding: .same)(h), .relu)
        h = try bn(Conv2D(filters: 5, kernelSize: 3, padding: .same)(h), .linear)
        let m = try Model(inputs: x, outputs: h, name: "paths")
        var gen = RandomGenerator(seed: 10)
        try m.materializeWeights(using: &gen)
        for n in norms {
            for w in n.weights {
                let c = w.shape[0]
                let values: [Float] = (0..<c).map { i in
                    switch w.name {
                    case "moving_variance": return 0.5 + Float(i % 7) * 0.3
                    case "gamma": return 1.5 - Float(i % 5) * 0.4
                    default: return Float(i % 6) * 0.2 - 0.3
                    }
                }
                try w.assign(Tensor(shape: [c], values: values))
            }
        }
        let description = try m.plan().description
        XCTAssertEqual(description.components(separatedBy: " in inference").count - 1, 5, description)
        let (fused, asWritten) = try runs(m, try seededTensor([4, 21, 20, 12], seed: 5))
        XCTAssertEqual(fused.shape, [4, 10, 10, 5])
        XCTAssertEqual(fused.scalars, asWritten.scalars)
    }
}

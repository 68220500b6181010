import PlexusTensor
@testable import PlexusNN
import XCTest

/// The plan lets a `valid` convolution do the zero padding of the `ZeroPadding2D` before it, in
/// training and inference: the same values and gradients without the padded copy.
final class PaddingAbsorptionTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    /// MobileNet's lopsided pad before a strided depthwise convolution, ResNet's symmetric pad before
    /// a convolution, a pad read twice and a pad before a pooling (neither can be taken over).
    private struct Net {
        let model: Model
        let layers: [Layer]
    }

    private func net() throws -> Net {
        let x = try Input(shape: [9, 8, 3])
        let pad1 = try ZeroPadding2D(top: 0, bottom: 1, left: 0, right: 1)
        let depthwise = try DepthwiseConv2D(kernelSize: 3, strides: 2, padding: .valid)
        let pad2 = try ZeroPadding2D(padding: 2)
        let conv = try Conv2D(filters: 4, kernelSize: 3, activation: .relu)
        let pad3 = try ZeroPadding2D(padding: 1)
        let pool = try MaxPooling2D(poolSize: 2)
        var h = try depthwise(pad1(x))
        h = try conv(pad2(h))
        let p = try pad3(h)
        let y = try Add()([pool(p), pool(p)])
        let model = try Model(inputs: x, outputs: y, name: "pads")
        var gen = RandomGenerator(seed: 3)
        try model.materializeWeights(using: &gen)
        return Net(model: model, layers: [pad1, depthwise, pad2, conv, pad3, pool])
    }

    /// The same network called layer by layer on variables, outside any plan.
    private func byLayer(_ n: Net, _ x: Variable, _ context: ForwardContext) throws -> Variable {
        var h = x
        for layer in n.layers.prefix(5) { h = try layer.forward([h], context: context) }
        let pooled = try n.layers[5].forward([h], context: context)
        return try pooled + pooled
    }

    func testThePlanShowsWhichPaddingsAConvolutionDoes() throws {
        let lines = try net().model.plan().description.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.filter { $0.contains("(padding done by its reader)") }.count, 2, "\(lines)")
        XCTAssertTrue(lines.contains { $0.contains("depthwise_conv2d (DepthwiseConv2D) + padding (0, 1, 0, 1)") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.contains("conv2d (Conv2D) + padding (2, 2, 2, 2)") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.contains("zero_padding2d_2 (ZeroPadding2D):") }, "read twice: runs as written, \(lines)")
    }

    func testInferenceEqualsTheLayersCalledOneByOne() throws {
        let n = try net()
        let x = try seededTensor([2, 9, 8, 3], seed: 7)
        let context = ForwardContext(seed: 1)
        let planned = try withoutGradients { try n.model.plan().run(inputs: [x], context: context)[0].value }
        let direct = try withoutGradients { try byLayer(n, Variable(x), context).value }
        XCTAssertEqual(planned.shape, direct.shape)
        let worst = zip(planned.scalars, direct.scalars).map { abs($0 - $1) }.max() ?? .nan
        XCTAssertLessThanOrEqual(worst, 1e-6)
    }

    func testTrainingGradientsEqualTheLayersCalledOneByOne() throws {
        let n = try net()
        let x = try seededTensor([2, 9, 8, 3], seed: 8)
        let context = ForwardContext(training: true, seed: 1)
        let weights = n.model.weights.compactMap(\.variable)
        XCTAssertEqual(weights.count, 4, "two kernels, two biases")
        try assertSameGradients(x, weights: weights, planned: { try n.model.plan().run([$0], context: context)[0] },
                                byLayer: { try byLayer(n, $0, context) })
    }
}

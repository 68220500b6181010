import PlexusTensor
import PlexusNN
import XCTest

/// Whole networks: gradients reaching every trainable weight and no frozen one, the hypernetwork
/// and basis-convolution scenarios of issue 3, a siamese network's shared weights, a VGG-like
/// stack and nested models.
final class NetworkExecutionTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    /// Norm of a weight's accumulated gradient, nil when it has none.
    private func gradientNorm(_ w: Weight) -> Float? {
        guard let g = w.variable?.grad else { return nil }
        return g.scalars.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }

    private func backward(_ model: Model, _ inputs: [Tensor], seed: UInt64 = 1) throws {
        let context = ForwardContext(training: true, seed: seed)
        for w in model.weights { w.variable?.zeroGrad() }
        let outs = try model.plan().run(inputs: inputs, context: context)
        var loss = outs[0].mean()
        for o in outs.dropFirst() { loss = try loss + o.mean() }
        try loss.backward()
    }

    func testGradientsReachEveryTrainableWeightOfASmallCNNAndNoFrozenOne() throws {
        let x = try Input(shape: [8, 8, 3])
        var h = try Conv2D(filters: 4, kernelSize: 3, padding: .same, name: "frozen_conv")(x)
        h = try BatchNormalization()(h)
        h = try Activation(.relu)(h)
        h = try DepthwiseConv2D(kernelSize: 3, depthMultiplier: 2, activation: .relu6)(h)
        h = try SeparableConv2D(filters: 6, kernelSize: 3, padding: .same, activation: .elu(alpha: 1))(h)
        h = try MaxPooling2D()(h)
        h = try Conv2DTranspose(filters: 3, kernelSize: 2, strides: 2, activation: .silu)(h)
        h = try LayerNormalization()(h)
        h = try GlobalAveragePooling2D()(h)
        h = try Dense(units: 5, activation: .softmax)(h)
        let m = try Model(inputs: x, outputs: h)
        try XCTUnwrap(m["frozen_conv"]).freeze()
        // A loss that depends on the softmax unevenly, so no gradient cancels.
        let context = ForwardContext(training: true, seed: 2)
        let y = try m.plan().run(inputs: [seededTensor([3, 8, 8, 3], seed: 3)], context: context)[0]
        try (y * Variable(seededTensor([3, 5], seed: 4))).sum().backward()
        for w in m.weights {
            if w.trainable {
                XCTAssertGreaterThan(try XCTUnwrap(gradientNorm(w), "\(w.path) has a gradient"), 0, w.path)
            } else {
                XCTAssertNil(w.variable?.grad, "\(w.path) is frozen or a statistic")
            }
        }
        XCTAssertEqual(m.weights.filter { !$0.trainable }.map(\.path),
                       ["frozen_conv/kernel", "frozen_conv/bias", "batch_normalization/moving_mean", "batch_normalization/moving_variance"])
    }

    /// Issue 3: "A hypernetwork with per-sample kernels, batch 4: each sample's output equals a
    /// separate convolution with its own kernel, and the template branch's weights receive
    /// non-zero gradients."
    func testHypernetworkPerSampleKernelsBatch4() throws {
        let template = try Input(shape: [6, 6, 1], name: "template")
        var t = try Conv2D(filters: 4, kernelSize: 3, activation: .relu)(template)
        t = try GlobalAveragePooling2D()(t)
        t = try Dense(units: 3 * 3 * 1 * 8)(t)
        let kernels = try Reshape(targetShape: [3, 3, 1, 8])(t)
        let image = try Input(shape: [10, 10, 1], name: "image")
        let conv = try Conv(padding: .same)
        let y = try conv([image, kernels])
        let m = try Model(inputs: [template, image], outputs: [y, kernels], name: "hyper")
        let templates = try seededTensor([4, 6, 6, 1], seed: 5), images = try seededTensor([4, 10, 10, 1], seed: 6)
        let context = ForwardContext(training: true, seed: 7)
        let outs = try m.plan().run(inputs: [templates, images], context: context)
        let out = outs[0].value, k = outs[1].value
        XCTAssertEqual(out.shape, [4, 10, 10, 8])
        let bias = try XCTUnwrap(conv.weights.first?.variable?.value)
        for n in 0..<4 {
            let own = try conv2d(images.sliced(axis: 0, n..<(n + 1)), k.sliced(axis: 0, n..<(n + 1)).reshaped(to: [3, 3, 1, 8]),
                                 padding: .same).broadcasting(bias, op: "add", +)
            assertAllClose(try out.sliced(axis: 0, n..<(n + 1)), own, "sample \(n)")
        }
        let other = try conv2d(images.sliced(axis: 0, 1..<2), k.sliced(axis: 0, 0..<1).reshaped(to: [3, 3, 1, 8]), padding: .same)
        XCTAssertNotEqual(try out.sliced(axis: 0, 1..<2).scalars, try other.broadcasting(bias, op: "add", +).scalars,
                          "sample 1 is not convolved with sample 0's kernel")
        try (outs[0] * Variable(seededTensor([4, 10, 10, 8], seed: 8))).sum().backward()
        let templateWeights = m.weights.filter { !$0.path.hasPrefix("conv/") }
        XCTAssertEqual(templateWeights.map(\.path), ["conv2d/kernel", "conv2d/bias", "dense/kernel", "dense/bias"])
        for w in templateWeights { XCTAssertGreaterThan(gradientNorm(w) ?? 0, 0, w.path) }
    }

    /// Issue 3: "W = sum a_i b_i with a (64,1,10) trainable and b (10,11,11) frozen ... after an
    /// optimizer step a changed, b did not."
    func testBasisConvolutionStepMovesTheCoefficientsAndNotTheBasis() throws {
        let (m, a, b) = try basisConv()
        let context = ForwardContext(training: true, seed: 9)
        let x = try seededTensor([1, 28, 28, 1], seed: 10)
        _ = try m.plan().run(inputs: [x], context: context)
        let a0 = try XCTUnwrap(a.variable?.value.scalars), b0 = try XCTUnwrap(b.variable?.value.scalars)
        let target = try Tensor.zeros([1, 28, 28, 64])
        let opt = try Adam(learningRate: 0.01)
        try m.trainStep(inputs: [x], context: context, optimizer: opt) { try mseLoss($0[0], target) }
        let a1 = try XCTUnwrap(a.variable?.value.scalars), b1 = try XCTUnwrap(b.variable?.value.scalars)
        XCTAssertEqual(zip(a0, a1).filter { $0 != $1 }.count, 640, "every coefficient moved")
        XCTAssertEqual(b1, b0, "the frozen basis did not move")
        XCTAssertNil(b.variable?.grad)
    }

    func testSiameseBranchesShareOneWeightAndTheirGradientsAddUp() throws {
        let x = try Input(shape: [4])
        let feature = try Model(inputs: x, outputs: Dense(units: 3, activation: .tanh)(x), name: "feature")
        let a = try Input(shape: [4]), b = try Input(shape: [4])
        let siamese = try Model(inputs: [a, b], outputs: [feature(a), feature(b)], name: "siamese")
        XCTAssertEqual(siamese.weights.map(ObjectIdentifier.init), feature.weights.map(ObjectIdentifier.init))
        let va = try seededTensor([2, 4], seed: 11), vb = try seededTensor([2, 4], seed: 12)
        try backward(siamese, [va, vb])
        let both = try XCTUnwrap(feature.weights[0].variable?.grad)
        try backward(feature, [va])
        let fromA = try XCTUnwrap(feature.weights[0].variable?.grad)
        try backward(feature, [vb])
        let fromB = try XCTUnwrap(feature.weights[0].variable?.grad)
        XCTAssertNotEqual(fromA.scalars, fromB.scalars)
        assertAllClose(both, try fromA.broadcasting(fromB, op: "add", +))
    }

    func testAVGGLikeStackRunsOnABatchOf2() throws {
        let input = try Input(shape: [32, 32, 3])
        var x = input
        for (block, (filters, convs)) in [(4, 2), (8, 2), (8, 3), (8, 3), (8, 3)].enumerated() {
            for c in 1...convs {
                x = try Conv2D(filters: filters, kernelSize: 3, padding: .same, activation: .relu, name: "block\(block + 1)_conv\(c)")(x)
            }
            x = try MaxPooling2D(poolSize: 2, strides: 2, name: "block\(block + 1)_pool")(x)
        }
        x = try Flatten(name: "flatten")(x)
        x = try Dense(units: 16, activation: .relu, name: "fc1")(x)
        x = try Dense(units: 16, activation: .relu, name: "fc2")(x)
        x = try Dense(units: 10, activation: .softmax, name: "predictions")(x)
        let m = try Model(inputs: input, outputs: x, name: "vgg_small")
        let y = try predict(m, inputs: [seededTensor([2, 32, 32, 3], seed: 13, low: 0, high: 1)], context: ForwardContext(seed: 14))[0]
        XCTAssertEqual(y.shape, [2, 10])
        for r in 0..<2 { XCTAssertEqual((0..<10).reduce(Float(0)) { $0 + y[r, $1] }, 1, accuracy: 1e-5) }
    }

    func testAModelNestedTwiceRunsAndSharesItsWeights() throws {
        let x = try Input(shape: [2])
        let inner = try Model(inputs: x, outputs: Dense(units: 2)(x), name: "inner")
        let y = try Input(shape: [2])
        let middle = try Model(inputs: y, outputs: inner(inner(y)), name: "middle")
        let z = try Input(shape: [2])
        let outer = try Model(inputs: z, outputs: middle(z), name: "outer")
        XCTAssertEqual(outer.weights.count, 2)
        let v = try seededTensor([3, 2], seed: 15)
        let result = try output(outer, v)
        let w = try XCTUnwrap(inner.weights[0].variable?.value), b = try XCTUnwrap(inner.weights[1].variable?.value)
        let once = try matmul(v, w).broadcasting(b, op: "add", +)
        assertAllClose(result, try matmul(once, w).broadcasting(b, op: "add", +))
    }

    func testSymbolicOpsEvaluateWithNumpySemantics() throws {
        let p = try Weight(name: "p", shape: [2, 3], initializer: .ones)
        let q = try Weight(name: "q", shape: [3], initializer: .constant(2))
        let r = try Weight(name: "r", shape: [4, 3, 2], initializer: .ones)
        let outs = try [matmul(p, q), matmul(r, p), mean(sum(multiply(p, q), axes: [1], keepdims: true)),
                        reshape(divide(p, q), [3, 2]), subtract(p, q)]
        let m = try Model(inputs: [], outputs: outs)
        let values = try outputs(m, [])
        XCTAssertEqual(values[0].shape, [2])
        XCTAssertEqual(values[0].scalars, [6, 6])
        XCTAssertEqual(values[1].shape, [4, 3, 3])
        XCTAssertEqual(values[1].scalars, [Float](repeating: 2, count: 36))
        XCTAssertEqual(values[2].shape, [])
        XCTAssertEqual(values[2].scalars, [6])
        XCTAssertEqual(values[3].shape, [3, 2])
        XCTAssertEqual(values[3].scalars, [Float](repeating: 0.5, count: 6))
        XCTAssertEqual(values[4].scalars, [Float](repeating: -1, count: 6))
    }
}

import PlexusTensor
import PlexusNN
import XCTest

/// Each layer's forward pass against values computed by hand or directly with the tensor ops.
final class LayerForwardTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    func testDenseMapsTheLastAxisOfARank3InputWithBiasAndRelu() throws {
        let dense = try Dense(units: 2, activation: .relu)
        let m = try wrap(dense, [2, 3])
        try setWeight(dense, "kernel", Tensor(shape: [3, 2], values: [1, 0, 0, 1, 1, 1]))
        try setWeight(dense, "bias", Tensor(shape: [2], values: [0.5, -10]))
        let y = try output(m, Tensor(shape: [1, 2, 3], values: [1, 2, 3, -1, 0, 2]))
        // By hand: [1, 2, 3] W = [4, 5], + b = [4.5, -5], relu [4.5, 0]; [-1, 0, 2] W = [1, 2] -> [1.5, 0].
        XCTAssertEqual(y.shape, [1, 2, 2])
        XCTAssertEqual(y.scalars, [4.5, 0, 1.5, 0])
    }

    func testDenseWithSoftmaxGivesRowsThatSumToOne() throws {
        let m = try wrap(Dense(units: 4, activation: .softmax), [3])
        let y = try output(m, seededTensor([5, 3], seed: 3))
        for r in 0..<5 { XCTAssertEqual((0..<4).reduce(Float(0)) { $0 + y[r, $1] }, 1, accuracy: 1e-5) }
    }

    func testConv2DWithBiasAndReluEqualsTheTensorOps() throws {
        let conv = try Conv2D(filters: 4, kernelSize: [3, 2], strides: [2, 1], padding: .same, activation: .relu)
        let m = try wrap(conv, [5, 4, 3])
        let k = try seededTensor([3, 2, 3, 4], seed: 1), b = try seededTensor([4], seed: 2)
        try setWeight(conv, "kernel", k)
        try setWeight(conv, "bias", b)
        let x = try seededTensor([2, 5, 4, 3], seed: 4)
        let expected = try conv2d(x, k, strides: (2, 1), padding: .same).broadcasting(b, op: "add", +).relu()
        assertAllClose(try output(m, x), expected)
    }

    func testGroupedConv2DEqualsTheTensorOp() throws {
        let conv = try Conv2D(filters: 4, kernelSize: 1, groups: 2, useBias: false)
        let m = try wrap(conv, [2, 2, 4])
        let k = try seededTensor([1, 1, 2, 4], seed: 5)
        try setWeight(conv, "kernel", k)
        let x = try seededTensor([1, 2, 2, 4], seed: 6)
        assertAllClose(try output(m, x), try conv2d(x, k, groups: 2))
    }

    func testDepthwiseConv2DEqualsADirectComputationWithKerasChannelOrder() throws {
        let layer = try DepthwiseConv2D(kernelSize: 2, depthMultiplier: 2)
        let m = try wrap(layer, [3, 4, 2])
        let k = try seededTensor([2, 2, 2, 2], seed: 7), b = try seededTensor([4], seed: 8)
        try setWeight(layer, "depthwise_kernel", k)
        try setWeight(layer, "bias", b)
        let x = try seededTensor([2, 3, 4, 2], seed: 9)
        let y = try output(m, x)
        XCTAssertEqual(y.shape, [2, 2, 3, 4])
        // Output channel c * 2 + j is input channel c convolved with kernel[:, :, c, j].
        for n in 0..<2 { for i in 0..<2 { for jj in 0..<3 { for c in 0..<2 { for j in 0..<2 {
            var s = b[c * 2 + j]
            for di in 0..<2 { for dj in 0..<2 { s += x[n, i + di, jj + dj, c] * k[di, dj, c, j] } }
            XCTAssertEqual(y[n, i, jj, c * 2 + j], s, accuracy: 1e-5)
        } } } } }
    }

    func testSeparableConv2DIsDepthwiseThenPointwise() throws {
        let layer = try SeparableConv2D(filters: 3, kernelSize: 3, padding: .same, depthMultiplier: 1, activation: .tanh)
        let m = try wrap(layer, [4, 4, 2])
        let dk = try seededTensor([3, 3, 2, 1], seed: 10), pk = try seededTensor([1, 1, 2, 3], seed: 11)
        let b = try seededTensor([3], seed: 12)
        try setWeight(layer, "depthwise_kernel", dk)
        try setWeight(layer, "pointwise_kernel", pk)
        try setWeight(layer, "bias", b)
        let x = try seededTensor([1, 4, 4, 2], seed: 13)
        let d = try conv2d(x, dk.reshaped(to: [3, 3, 1, 2]), padding: .same, groups: 2)
        let expected = try conv2d(d, pk).broadcasting(b, op: "add", +).tanh()
        assertAllClose(try output(m, x), expected)
    }

    func testConv2DTransposeEqualsTheTensorOpPlusBias() throws {
        let layer = try Conv2DTranspose(filters: 2, kernelSize: 3, strides: 2, padding: .same)
        let m = try wrap(layer, [3, 2, 4])
        let k = try seededTensor([3, 3, 2, 4], seed: 14), b = try seededTensor([2], seed: 15)
        try setWeight(layer, "kernel", k)
        try setWeight(layer, "bias", b)
        let x = try seededTensor([2, 3, 2, 4], seed: 16)
        let y = try output(m, x)
        XCTAssertEqual(y.shape, [2, 6, 4, 2])
        assertAllClose(y, try conv2dTranspose(x, k, strides: (2, 2), padding: .same).broadcasting(b, op: "add", +))
    }

    /// Reference values from a numpy scatter (out[i*s - before + k] += x[i] w[k]) with the padding
    /// before each window taken from Keras's JAX conversion (`_convert_conv_transpose_padding_args_
    /// from_keras_to_jax`: before = k - 1 - left_pad) and the output size from Keras's
    /// `deconv_output_length`; x = [[1, 2], [3, 4]], w = 1...9 (or 1...25), stride 2.
    func testConv2DTransposeWithOutputPaddingMatchesKerasSizesAndValues() throws {
        func run(_ kernel: Int, _ padding: Padding) throws -> Tensor {
            let layer = try Conv2DTranspose(filters: 1, kernelSize: Size2D(kernel), strides: 2, padding: padding,
                                            outputPadding: 1, useBias: false)
            let m = try wrap(layer, [2, 2, 1])
            try setWeight(layer, "kernel", Tensor(shape: [kernel, kernel, 1, 1], values: (1...(kernel * kernel)).map(Float.init)))
            return try output(m, Tensor(shape: [1, 2, 2, 1], values: [1, 2, 3, 4]))
        }
        let same = try run(3, .same)
        XCTAssertEqual(same.shape, [1, 4, 4, 1])
        XCTAssertEqual(same.scalars, [1, 2, 5, 4, 4, 5, 14, 10, 10, 14, 36, 24, 12, 15, 34, 20])
        let valid = try run(3, .valid)
        XCTAssertEqual(valid.shape, [1, 6, 6, 1])
        XCTAssertEqual(valid.scalars, [1, 2, 5, 4, 6, 0, 4, 5, 14, 10, 12, 0, 10, 14, 36, 24, 30, 0, 12, 15, 34, 20, 24, 0,
                                       21, 24, 55, 32, 36, 0, 0, 0, 0, 0, 0, 0])
        let wide = try run(5, .same)
        XCTAssertEqual(wide.scalars, [7, 20, 23, 26, 18, 48, 58, 68, 38, 98, 108, 118, 58, 148, 158, 168])
    }

    func testBatchNormalizationInTrainingUsesBatchStatisticsAndMovesTheMovingOnes() throws {
        let bn = try BatchNormalization(momentum: 0.9, epsilon: 1e-3)
        let m = try wrap(bn, [2])
        // Channel 0: 1, 3 (mean 2, variance 1); channel 1: 10, 10 (mean 10, variance 0).
        let x = try Tensor(shape: [2, 2], values: [1, 10, 3, 10])
        let y = try output(m, x, training: true)
        let s = 1 / Float(1 + 1e-3).squareRoot()
        assertAllClose(y, try Tensor(shape: [2, 2], values: [-s, 0, s, 0]))
        let stats = bn.weights.filter { $0.role == .statistic }.compactMap { $0.variable?.value.scalars }
        // moving = 0.9 * initial + 0.1 * batch: mean 0 -> 0.2, 1; variance 1 -> 1, 0.9.
        XCTAssertEqual(stats.count, 2)
        XCTAssertEqual(stats[0][0], 0.2, accuracy: 1e-6)
        XCTAssertEqual(stats[0][1], 1, accuracy: 1e-6)
        XCTAssertEqual(stats[1][0], 1, accuracy: 1e-6)
        XCTAssertEqual(stats[1][1], 0.9, accuracy: 1e-6)
    }

    func testBatchNormalizationInInferenceUsesTheMovingStatisticsAndLeavesThem() throws {
        let bn = try BatchNormalization(epsilon: 1e-3)
        let m = try wrap(bn, [2])
        try setWeight(bn, "moving_mean", Tensor(shape: [2], values: [1, -1]))
        try setWeight(bn, "moving_variance", Tensor(shape: [2], values: [4, 0.25]))
        try setWeight(bn, "gamma", Tensor(shape: [2], values: [2, 1]))
        try setWeight(bn, "beta", Tensor(shape: [2], values: [0, 5]))
        let y = try output(m, Tensor(shape: [1, 2], values: [3, 0]))
        // (3 - 1) / sqrt(4.001) * 2 + 0 and (0 + 1) / sqrt(0.251) + 5.
        XCTAssertEqual(y[0, 0], 4 / Float(4.001).squareRoot(), accuracy: 1e-5)
        XCTAssertEqual(y[0, 1], 1 / Float(0.251).squareRoot() + 5, accuracy: 1e-5)
        XCTAssertEqual(bn.weights.first { $0.name == "moving_mean" }?.variable?.value.scalars, [1, -1])
    }

    func testBatchNormalizationInInferenceModeDoesNotMoveStatisticsWhileTraining() throws {
        let bn = try BatchNormalization()
        bn.inferenceMode = true
        let m = try wrap(bn, [3])
        let y = try output(m, seededTensor([4, 3], seed: 17), training: true)
        let s = 1 / Float(1 + 1e-3).squareRoot()
        assertAllClose(y, try seededTensor([4, 3], seed: 17).mapElements { $0 * s })
        XCTAssertEqual(bn.weights.first { $0.name == "moving_mean" }?.variable?.value.scalars, [0, 0, 0])
    }

    func testBatchNormalizationOnAnInnerAxisNormalisesThatAxis() throws {
        let bn = try BatchNormalization(axis: 1, center: false, scale: false)
        let m = try wrap(bn, [2, 3])
        let x = try seededTensor([4, 2, 3], seed: 18)
        let y = try output(m, x, training: true)
        for c in 0..<2 {
            var sum: Float = 0
            for n in 0..<4 { for j in 0..<3 { sum += y[n, c, j] } }
            XCTAssertEqual(sum / 12, 0, accuracy: 1e-5, "channel \(c) has mean 0")
        }
    }

    func testLayerNormalizationOverTwoAxesNormalisesEachSample() throws {
        let ln = try LayerNormalization(axis: [1, 2], epsilon: 1e-3)
        let m = try wrap(ln, [2, 3])
        try setWeight(ln, "gamma", Tensor(shape: [2, 3], values: [1, 1, 1, 2, 2, 2]))
        let x = try seededTensor([2, 2, 3], seed: 19)
        let y = try output(m, x)
        for n in 0..<2 {
            let v = (0..<6).map { x[n, $0 / 3, $0 % 3] }
            let mean = v.reduce(0, +) / 6
            let variance = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 6
            for i in 0..<6 {
                let expected = (v[i] - mean) / (variance + 1e-3).squareRoot() * (i < 3 ? 1 : 2)
                XCTAssertEqual(y[n, i / 3, i % 3], expected, accuracy: 1e-4)
            }
        }
    }

    func testPoolingLayersByHand() throws {
        // A 4x4 image 0...15, one channel.
        let x = try Tensor(shape: [1, 4, 4, 1], values: (0..<16).map(Float.init))
        XCTAssertEqual(try output(wrap(MaxPooling2D(poolSize: 2), [4, 4, 1]), x).scalars, [5, 7, 13, 15])
        XCTAssertEqual(try output(wrap(AveragePooling2D(poolSize: 2), [4, 4, 1]), x).scalars, [2.5, 4.5, 10.5, 12.5])
        XCTAssertEqual(try output(wrap(MaxPooling2D(poolSize: 3, strides: 1), [4, 4, 1]), x).scalars, [10, 11, 14, 15])
        XCTAssertEqual(try output(wrap(GlobalAveragePooling2D(), [4, 4, 1]), x).scalars, [7.5])
        let gmp = try output(wrap(GlobalMaxPooling2D(keepdims: true), [4, 4, 1]), x)
        XCTAssertEqual(gmp.shape, [1, 1, 1, 1])
        XCTAssertEqual(gmp.scalars, [15])
    }

    func testFlattenReshapeAndPermuteMoveValuesAsKerasDoes() throws {
        let x = try Tensor(shape: [1, 2, 3], values: [0, 1, 2, 3, 4, 5])
        let flat = try output(wrap(Flatten(), [2, 3]), x)
        XCTAssertEqual(flat.shape, [1, 6])
        XCTAssertEqual(flat.scalars, [0, 1, 2, 3, 4, 5])
        let reshaped = try output(wrap(Reshape(targetShape: [3, -1]), [2, 3]), x)
        XCTAssertEqual(reshaped.shape, [1, 3, 2])
        XCTAssertEqual(reshaped.scalars, [0, 1, 2, 3, 4, 5])
        let permuted = try output(wrap(Permute(dims: [2, 1]), [2, 3]), x)
        XCTAssertEqual(permuted.shape, [1, 3, 2])
        XCTAssertEqual(permuted.scalars, [0, 3, 1, 4, 2, 5])
    }

    func testMergesByHand() throws {
        let a = try Input(shape: [2]), b = try Input(shape: [2])
        let layers: [(Layer, [Float])] = [
            (try Add(), [4, 1]), (try Subtract(), [-2, 3]), (try Multiply(), [3, -2]),
            (try Average(), [2, 0.5]), (try Maximum(), [3, 2]), (try Minimum(), [1, -1]),
            (try Concatenate(), [1, 2, 3, -1]),
        ]
        let av = try Tensor(shape: [1, 2], values: [1, 2]), bv = try Tensor(shape: [1, 2], values: [3, -1])
        for (layer, expected) in layers {
            let m = try Model(inputs: [a, b], outputs: [layer([a, b])])
            XCTAssertEqual(try outputs(m, [av, bv])[0].scalars, expected, layer.typeName)
        }
    }

    func testAddOfRanksThatDifferExpandsTheSmallerAfterTheBatchAxis() throws {
        let a = try Input(shape: [2, 3]), b = try Input(shape: [3])
        let m = try Model(inputs: [a, b], outputs: [Add()([a, b])])
        let y = try outputs(m, [Tensor(shape: [1, 2, 3], values: [0, 0, 0, 1, 1, 1]), Tensor(shape: [1, 3], values: [1, 2, 3])])[0]
        XCTAssertEqual(y.shape, [1, 2, 3])
        XCTAssertEqual(y.scalars, [1, 2, 3, 2, 3, 4])
    }

    func testRescalingAndActivationsByHand() throws {
        let x = try Tensor(shape: [1, 3], values: [-2, 0.5, 8])
        XCTAssertEqual(try output(wrap(Rescaling(scale: 0.5, offset: 1), [3]), x).scalars, [0, 1.25, 5])
        XCTAssertEqual(try output(wrap(Activation(.relu6), [3]), x).scalars, [0, 0.5, 6])
        XCTAssertEqual(try output(wrap(ReLU(maxValue: 6), [3]), x).scalars, [0, 0.5, 6])
        // Keras ReLU(max_value=4, negative_slope=0.1, threshold=1): 0.1 (x - 1) at or below 1, min(x, 4) above.
        assertAllClose(try output(wrap(ReLU(maxValue: 4, negativeSlope: 0.1, threshold: 1), [3]), x),
                       try Tensor(shape: [1, 3], values: [-0.3, -0.05, 4]))
    }

    func testGeneralReluGradientsMatchFiniteDifferences() throws {
        let layer = try ReLU(maxValue: 1.5, negativeSlope: 0.3, threshold: 0.25)
        _ = try wrap(layer, [8])
        // Values kept away from the kinks at 0.25 and 1.5.
        let x = try Tensor(shape: [1, 8], values: [-1, -0.4, 0.1, 0.6, 0.9, 1.2, 1.9, 3])
        let r = try gradcheck([x]) { v in try layer.forward(v, context: ForwardContext(seed: 0)) }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testDropoutDropsAndRescalesInTrainingAndIsTheIdentityInInference() throws {
        let m = try wrap(Dropout(rate: 0.5), [1000])
        let x = try Tensor.ones([1, 1000])
        XCTAssertEqual(try output(m, x).scalars, x.scalars)
        let y = try output(m, x, training: true).scalars
        XCTAssertTrue(y.allSatisfy { $0 == 0 || $0 == 2 }, "kept values are scaled by 1 / (1 - rate)")
        let dropped = y.filter { $0 == 0 }.count
        XCTAssertTrue((400...600).contains(dropped), "\(dropped) of 1000 dropped at rate 0.5")
        XCTAssertEqual(try output(m, x, training: true, seed: 1).scalars, y, "the context's seed replays the mask")
        XCTAssertNotEqual(try output(m, x, training: true, seed: 2).scalars, y)
    }

    func testDropoutWithANoiseShapeDropsWholeRows() throws {
        let m = try wrap(Dropout(rate: 0.5, noiseShape: [nil, 1, 4]), [6, 4])
        let y = try output(m, Tensor.ones([2, 6, 4]), training: true)
        for n in 0..<2 { for c in 0..<4 {
            let column = (0..<6).map { y[n, $0, c] }
            XCTAssertEqual(Set(column).count, 1, "one mask value along the broadcast axis")
        } }
    }

    func testZeroPaddingAndUpSamplingByHand() throws {
        let x = try Tensor(shape: [1, 1, 2, 1], values: [1, 2])
        let padded = try output(wrap(ZeroPadding2D(top: 1, bottom: 0, left: 0, right: 1), [1, 2, 1]), x)
        XCTAssertEqual(padded.shape, [1, 2, 3, 1])
        XCTAssertEqual(padded.scalars, [0, 0, 0, 1, 2, 0])
        let up = try output(wrap(UpSampling2D(size: [2, 1]), [1, 2, 1]), x)
        XCTAssertEqual(up.shape, [1, 2, 2, 1])
        XCTAssertEqual(up.scalars, [1, 2, 1, 2])
        XCTAssertEqual(errorMessage { try output(wrap(UpSampling2D(interpolation: .bilinear), [1, 2, 1]), x) },
                       "up_sampling2d_1 cannot run: interpolation \"bilinear\" is not implemented yet; use interpolation \"nearest\"")
    }
}

import XCTest
import PlexusNN

/// Output shapes and weight shapes of each layer, computed by hand from Keras's rules.
final class LayerShapeTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    private func image(_ h: Int?, _ w: Int?, _ c: Int?) throws -> SymbolicTensor { try Input(shape: [h, w, c]) }

    func testDenseAppliesToTheLastAxisOfAnyRank() throws {
        let d = try Dense(units: 5)
        let y = try d(Input(shape: [7, 3]))
        XCTAssertEqual(y.shape, [nil, 7, 5])
        XCTAssertEqual(d.weights.map(\.shape), [[3, 5], [5]])
        XCTAssertEqual(d.weights.map(\.name), ["kernel", "bias"])
    }

    func testConv2DValidAndSameWithStrides() throws {
        // valid: floor((28 - 5) / 2) + 1 = 12; same: ceil(28 / 2) = 14.
        XCTAssertEqual(try Conv2D(filters: 8, kernelSize: 5, strides: 2)(image(28, 28, 3)).shape, [nil, 12, 12, 8])
        XCTAssertEqual(try Conv2D(filters: 8, kernelSize: 5, strides: 2, padding: .same)(image(28, 28, 3)).shape, [nil, 14, 14, 8])
    }

    func testConv2DNonSquareKernelAndDilation() throws {
        // height: span (3-1)*2+1 = 5 -> 20-5+1 = 16; width: span (5-1)*2+1 = 9 -> 30-9+1 = 22.
        let c = try Conv2D(filters: 4, kernelSize: [3, 5], dilationRate: 2)
        XCTAssertEqual(try c(image(20, 30, 6)).shape, [nil, 16, 22, 4])
        XCTAssertEqual(c.weights.map(\.shape), [[3, 5, 6, 4], [4]])
    }

    func testConv2DGroupsDivideTheKernelsInputChannels() throws {
        let c = try Conv2D(filters: 8, kernelSize: 3, groups: 2, useBias: false)
        _ = try c(image(9, 9, 6))
        XCTAssertEqual(c.weights.map(\.shape), [[3, 3, 3, 8]])
    }

    func testConv2DKeepsUnknownSpatialSizesUnknown() throws {
        XCTAssertEqual(try Conv2D(filters: 2, kernelSize: 3)(image(nil, nil, 3)).shape, [nil, nil, nil, 2])
    }

    func testDepthwiseConv2DMultipliesChannels() throws {
        let c = try DepthwiseConv2D(kernelSize: 3, depthMultiplier: 2)
        XCTAssertEqual(try c(image(10, 10, 5)).shape, [nil, 8, 8, 10])
        XCTAssertEqual(c.weights.map(\.shape), [[3, 3, 5, 2], [10]])
        XCTAssertEqual(c.weights[0].name, "depthwise_kernel")
    }

    func testSeparableConv2DWeights() throws {
        let c = try SeparableConv2D(filters: 7, kernelSize: 3, padding: .same, depthMultiplier: 2)
        XCTAssertEqual(try c(image(6, 6, 4)).shape, [nil, 6, 6, 7])
        XCTAssertEqual(c.weights.map(\.shape), [[3, 3, 4, 2], [1, 1, 8, 7], [7]])
        // 72 + 56 + 7
        XCTAssertEqual(c.parameterCount.total, 135)
    }

    func testConv2DTransposeUpsamplesWithKerasLengths() throws {
        // valid: 7*2 + max(3-2, 0) = 15; same: 7*2 = 14; with output_padding 1, same: (7-1)*2 + 3 - 2*1 + 1 = 14.
        let t = try Conv2DTranspose(filters: 4, kernelSize: 3, strides: 2)
        XCTAssertEqual(try t(image(7, 7, 6)).shape, [nil, 15, 15, 4])
        XCTAssertEqual(t.weights.map(\.shape), [[3, 3, 4, 6], [4]])
        XCTAssertEqual(try Conv2DTranspose(filters: 4, kernelSize: 3, strides: 2, padding: .same)(image(7, 7, 6)).shape, [nil, 14, 14, 4])
        XCTAssertEqual(try Conv2DTranspose(filters: 4, kernelSize: 3, strides: 2, padding: .same, outputPadding: 1)(image(7, 5, 6)).shape,
                       [nil, 14, 10, 4])
    }

    func testPoolingStridesDefaultToPoolSize() throws {
        // floor((28 - 3) / 3) + 1 = 9 (the siamese feature network's maxpool(3)); same: ceil(28 / 3) = 10.
        XCTAssertEqual(try MaxPooling2D(poolSize: 3)(image(28, 28, 24)).shape, [nil, 9, 9, 24])
        XCTAssertEqual(try AveragePooling2D(poolSize: 3, padding: .same)(image(28, 28, 24)).shape, [nil, 10, 10, 24])
        XCTAssertEqual(try MaxPooling2D(poolSize: 3, strides: 2)(image(7, 7, 1)).shape, [nil, 3, 3, 1])
    }

    func testGlobalPoolingWithAndWithoutKeepdims() throws {
        XCTAssertEqual(try GlobalAveragePooling2D()(image(7, 7, 32)).shape, [nil, 32])
        XCTAssertEqual(try GlobalMaxPooling2D(keepdims: true)(image(7, 7, 32)).shape, [nil, 1, 1, 32])
    }

    func testFlattenReshapeAndPermute() throws {
        XCTAssertEqual(try Flatten()(image(5, 5, 64)).shape, [nil, 1600])
        XCTAssertEqual(try Flatten()(image(nil, 5, 64)).shape, [nil, nil])
        XCTAssertEqual(try Reshape(targetShape: [-1, 16])(image(4, 4, 8)).shape, [nil, 8, 16])
        XCTAssertEqual(try Permute(dims: [3, 1, 2])(image(4, 5, 6)).shape, [nil, 6, 4, 5])
    }

    func testZeroPaddingAndUpSampling() throws {
        XCTAssertEqual(try ZeroPadding2D(top: 0, bottom: 1, left: 2, right: 3)(image(28, 28, 256)).shape, [nil, 29, 33, 256])
        XCTAssertEqual(try ZeroPadding2D(padding: [1, 2])(image(4, 4, 1)).shape, [nil, 6, 8, 1])
        XCTAssertEqual(try UpSampling2D(size: [2, 3])(image(4, 5, 1)).shape, [nil, 8, 15, 1])
    }

    func testBatchNormalizationHasFourWeightsTwoOfThemStatistics() throws {
        let bn = try BatchNormalization()
        _ = try bn(image(4, 4, 16))
        XCTAssertEqual(bn.weights.map(\.name), ["gamma", "beta", "moving_mean", "moving_variance"])
        XCTAssertEqual(bn.weights.map(\.trainable), [true, true, false, false])
        bn.weights[2].trainable = true
        XCTAssertFalse(bn.weights[2].trainable, "moving statistics are never trainable")
    }

    func testBatchNormalizationWithoutCenterHasNoBeta() throws {
        let bn = try BatchNormalization(center: false)
        _ = try bn(image(4, 4, 16))
        XCTAssertEqual(bn.weights.map(\.name), ["gamma", "moving_mean", "moving_variance"])
    }

    func testLayerNormalizationOverTwoAxes() throws {
        let ln = try LayerNormalization(axis: [-2, -1])
        _ = try ln(Input(shape: [3, 5]))
        XCTAssertEqual(ln.weights.map(\.shape), [[3, 5], [3, 5]])
    }

    func testMergesBroadcastAndConcatenateSums() throws {
        let a = try Input(shape: [4, 8]), b = try Input(shape: [1, 8])
        XCTAssertEqual(try Add()([a, b]).shape, [nil, 4, 8])
        XCTAssertEqual(try Maximum()([a, a, b]).shape, [nil, 4, 8])
        let c = try Input(shape: [4, 3])
        XCTAssertEqual(try Concatenate()([a, c]).shape, [nil, 4, 11])
        XCTAssertEqual(try Concatenate(axis: 1)([a, a]).shape, [nil, 8, 8])
    }

    func testConvWithStaticAndPerSampleKernels() throws {
        let x = try image(10, 10, 3)
        let k = try Weight(name: "k", shape: [3, 3, 3, 5])
        XCTAssertEqual(try Conv()([x, k]).shape, [nil, 8, 8, 5])
        let perSample = try Input(shape: [3, 3, 3, 5])
        XCTAssertEqual(try Conv(padding: .same, useBias: false)([x, perSample]).shape, [nil, 10, 10, 5])
    }

    func testSymbolicOpsFollowNumPyShapes() throws {
        let a = try Weight(name: "a", shape: [2, 3, 4]), b = try Weight(name: "b", shape: [4, 5])
        XCTAssertEqual(try matmul(a, b).shape, [2, 3, 5])
        XCTAssertThrowsError(try a + b, "(2, 3, 4) + (4, 5) does not broadcast")
        XCTAssertEqual(try (a * Weight(name: "c", shape: [3, 1])).shape, [2, 3, 4])
        XCTAssertEqual(try transpose(a).shape, [4, 3, 2])
        XCTAssertEqual(try transpose(a, [1, 0, 2]).shape, [3, 2, 4])
        XCTAssertEqual(try sum(a, axes: [1]).shape, [2, 4])
        XCTAssertEqual(try mean(a, axes: [-1], keepdims: true).shape, [2, 3, 1])
        XCTAssertEqual(try reshape(a, [-1, 6]).shape, [4, 6])
        XCTAssertEqual(try matmul(Weight(name: "v", shape: [4]), b).shape, [5])
    }

    func testSymbolicOpsOnBatchedTensorsKeepTheUnknownBatch() throws {
        let x = try Input(shape: [8])
        let w = try Weight(name: "w", shape: [8, 3])
        XCTAssertEqual(try matmul(x, w).shape, [nil, 3])
        XCTAssertEqual(try reshape(x, [-1, 2, 4]).shape, [nil, 2, 4])
        XCTAssertThrowsError(try reshape(x, [2, 4]))
    }
}

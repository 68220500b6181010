import XCTest
import PlexusNN

// The compute figures of docs/costs.md, pinned on the models the issue names.

final class CostsTests: XCTestCase {
    func testVGG16MacsSplitIntoConvolutionAndDense() throws {
        let c = try costs(Applications.vgg16())
        let conv = c.calls.filter { $0.layer is Conv2D }.reduce(0) { $0 + $1.macs }
        let dense = c.calls.filter { $0.layer is Dense }.reduce(0) { $0 + $1.macs }
        XCTAssertEqual(conv, 15_346_630_656)
        XCTAssertEqual(dense, 123_633_664)
        XCTAssertEqual(c.macs, 15_470_264_320)
    }

    func testVGG16FlopsAreTwiceTheMacsPlusTheElementwiseWorkCounted() throws {
        let m = try Applications.vgg16()
        let c = try costs(m)
        // Bias + ReLU on every conv and fc1/fc2 output, bias + softmax on the predictions, and 2x2
        // windows of the five poolings (one comparison per window element per output).
        var elementwise = 0
        for call in c.calls {
            let out = call.outputShapes[0].dropFirst().reduce(1) { $0 * ($1 ?? 1) }
            if call.layer is Conv2D || call.layer is Dense { elementwise += 2 * out }
            if call.layer is MaxPooling2D { elementwise += 4 * out }
        }
        XCTAssertEqual(c.flops, 2 * 15_470_264_320 + elementwise)
        XCTAssertEqual(c.calls.first { $0.layer.name == "block1_pool" }?.flops, 4 * 112 * 112 * 64)
    }

    func testMatchNetFeatureMacs() throws {
        XCTAssertEqual(try costs(matchNetFeature()).macs, 7_300_992)
    }

    func testSiameseComputesTheFeatureNetTwiceAndCountsItsParametersOnce() throws {
        let (shared, unshared, feature) = try matchNets()
        let c = try costs(shared)
        XCTAssertEqual(c.callMacs(of: feature), [7_300_992, 7_300_992])
        XCTAssertEqual(c.macs(of: feature), 2 * 7_300_992)
        XCTAssertEqual(c.parameters.total, 3_483_122)
        let u = try costs(unshared)
        XCTAssertEqual(u.macs, c.macs, "a clone computes as much as a second call")
        XCTAssertEqual(u.parameters.total - c.parameters.total, 1_381_872)
    }

    func testDepthwiseSeparableAndTransposedConvolutionMacs() throws {
        let x = try Input(shape: [8, 8, 4])
        let dw = try DepthwiseConv2D(kernelSize: 3, padding: .same, depthMultiplier: 2)
        let sep = try SeparableConv2D(filters: 6, kernelSize: 3, padding: .same)
        let tr = try Conv2DTranspose(filters: 5, kernelSize: 3, strides: 2, padding: .same)
        let grouped = try Conv2D(filters: 8, kernelSize: 1, groups: 2)
        let m = try Model(inputs: x, outputs: tr(sep(grouped(dw(x)))))
        let c = try costs(m)
        XCTAssertEqual(c.macs(of: dw), 8 * 8 * 8 * 9)            // each of 8 output channels sees 9 inputs
        XCTAssertEqual(c.macs(of: grouped), 8 * 8 * 8 * 4)       // 1x1, 8 inputs in 2 groups of 4
        XCTAssertEqual(c.macs(of: sep), 8 * 8 * 8 * 9 + 8 * 8 * 8 * 6)
        XCTAssertEqual(c.macs(of: tr), 8 * 8 * 6 * 9 * 5)        // every input pixel spreads a 3x3x5 kernel
    }

    func testUnknownSpatialSizeIsAClearError() throws {
        let x = try Input(shape: [nil, nil, 3])
        let m = try Model(inputs: x, outputs: Conv2D(filters: 4, kernelSize: 3, name: "c")(x))
        XCTAssertTrue(errorMessage { try costs(m) }.contains("unknown size"), errorMessage { try costs(m) })
        XCTAssertTrue(errorMessage { try costs(matchNetFeature(), batch: 0) }.contains("batch size of at least 1"))
    }

    func testInferenceMemoryIsTheWidestCutNotTheSumOfActivations() throws {
        // input 8x8x1 (256 B), a (8x8x4, 1 KiB) read by b and c, then add: a, b and c live at once.
        let x = try Input(shape: [8, 8, 1])
        let a = try Conv2D(filters: 4, kernelSize: 1)(x)
        let b = try Conv2D(filters: 4, kernelSize: 1)(a), c = try Conv2D(filters: 4, kernelSize: 1)(a)
        let y = try Flatten()(Add()([b, c]))
        let m = try Model(inputs: x, outputs: y)
        let costs1 = try costs(m)
        // The caller holds the input throughout (256 B); a is freed after c, so at c and at the add
        // three 1 KiB maps are live; the flatten shares the sum's buffer.
        XCTAssertEqual(costs1.inferenceActivationBytes, 256 + 3 * 1024)
        XCTAssertEqual(try costs(m, batch: 32).inferenceActivationBytes, 32 * (256 + 3 * 1024))
        XCTAssertEqual(costs1.parameterBytes, (8 + 20 + 20) * 4)
    }

    func testDropoutSharesItsInputsBufferInInference() throws {
        let x = try Input(shape: [8])
        let y = try Dense(units: 4)(Dropout(rate: 0.5)(Dense(units: 16)(x)))
        // The input (32 B) throughout; at the last dense, its input (64 B, shared by the dropout)
        // and its output (16 B).
        XCTAssertEqual(try costs(Model(inputs: x, outputs: y)).inferenceActivationBytes, 32 + 64 + 16)
    }

    func testOptimizerStateIsTwoPerTrainableWeightForAdam() throws {
        let m = try matchNetFeature()
        XCTAssertEqual(try costs(m).optimizerStateBytes, 0)
        m.compile(loss: .meanSquaredError, optimizer: try Adam())
        let c = try costs(m)
        XCTAssertEqual(c.optimizerStateBytes, 2 * 1_381_872 * 4)
        XCTAssertEqual(c.gradientBytes, 1_381_872 * 4)
        XCTAssertEqual(c.trainingBytes, c.parameterBytes + c.trainingActivationBytes + c.gradientBytes + c.optimizerStateBytes)
    }
}

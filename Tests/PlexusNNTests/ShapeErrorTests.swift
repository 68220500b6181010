import XCTest
import PlexusNN

/// Errors name the layer, what it expects, what it got and where that came from.
final class ShapeErrorTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    private func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "no error" } catch { return "\(error)" }
    }

    func testConvOnAFlatTensorNamesLayerExpectationShapeAndProducer() throws {
        let x = try Input(shape: [784])
        let h0 = try Dense(units: 512)(x)
        let h = try Dense(units: 512)(h0)
        for _ in 0..<3 { _ = try Conv2D(filters: 1, kernelSize: 1) }
        let conv = try Conv2D(filters: 8, kernelSize: 3)
        XCTAssertEqual(message { try conv(h) },
                       "conv2d_3 expects 4-D input (batch, h, w, channels), got (None, 512) from dense_1")
    }

    func testMergeErrorNamesEveryInputShapeAndProducer() throws {
        let x = try Input(shape: [16])
        let a = try Dense(units: 8)(x), b = try Dense(units: 4)(x)
        XCTAssertEqual(message { try Add()([a, b]) },
                       "add expects inputs of one shape (or broadcastable: each dimension equal or 1), got (None, 8) from dense, (None, 4) from dense_1")
    }

    func testConcatenateMismatchOffTheAxis() throws {
        let a = try Input(shape: [4, 4, 8], name: "left"), b = try Input(shape: [5, 5, 8], name: "right")
        XCTAssertEqual(message { try Concatenate()([a, b]) },
                       "concatenate expects inputs whose shapes match except on axis -1, got (None, 4, 4, 8) from left, (None, 5, 5, 8) from right")
    }

    func testASharedLayerRejectsAnInputItsWeightsDoNotFit() throws {
        let d = try Dense(units: 10)
        _ = try d(Input(shape: [64], name: "a"))
        XCTAssertEqual(message { try d(Input(shape: [32], name: "b")) },
                       "dense shares its weights between calls and was built for input (None, 64) (kernel (64, 10), bias (10,)), got (None, 32) from b; this input would need kernel (32, 10), bias (10,); use clone() for a layer with its own weights")
    }

    func testAKernelTooLargeForItsInput() throws {
        let x = try Input(shape: [2, 2, 3], name: "small")
        XCTAssertEqual(message { try Conv2D(filters: 1, kernelSize: 3)(x) },
                       "conv2d expects height and width of at least its kernel span (3, 3) with padding \"valid\", got (None, 2, 2, 3) from small; use padding \"same\" or a larger input")
    }

    func testConvKernelChannelsMustMatchTheImage() throws {
        let x = try Input(shape: [8, 8, 3], name: "img")
        let k = try Weight(name: "k", shape: [3, 3, 4, 2])
        XCTAssertEqual(message { try Conv()([x, k]) },
                       "conv expects the kernel's in_channels (4) to equal the image's channels (3), got (None, 8, 8, 3) from img, (3, 3, 4, 2) from k")
    }

    func testAModelCheckingANewInputNamesTheInnerLayerPath() throws {
        let feature = try matchNetFeature()
        XCTAssertEqual(message { try feature(Input(shape: [32, 32, 1], name: "big")) },
                       "feature expects input input_layer of shape (None, 28, 28, 1), got (None, 32, 32, 1) from big")
    }

    func testArityErrors() throws {
        let x = try Input(shape: [3], name: "x")
        XCTAssertEqual(message { try Subtract()([x]) }, "subtract expects 2 inputs, got (None, 3) from x")
        XCTAssertEqual(message { try Dense(units: 2)([x, x]) }, "dense expects 1 input, got (None, 3) from x, (None, 3) from x")
    }

    func testBadArgumentsAreErrorsNotCrashes() {
        XCTAssertEqual(message { try Dense(units: 0) }, "Dense: units must be positive, got 0")
        XCTAssertEqual(message { try Conv2D(filters: 4, kernelSize: [3, 3, 3]) }, "Conv2D: kernel_size must be one integer or two, got 3")
        XCTAssertEqual(message { try Conv2D(filters: 4, kernelSize: 3, strides: 2, dilationRate: 2) },
                       "Conv2D: strides > 1 not supported in conjunction with dilation_rate > 1, got strides (2, 2) and dilation_rate (2, 2)")
        XCTAssertEqual(message { try Dropout(rate: 1) }, "Dropout: rate must be in [0, 1), got 1")
        XCTAssertEqual(message { try Permute(dims: [1, 3]) }, "Permute: dims must be a permutation of 1...2 (the batch dimension is not included), got (1, 3)")
        XCTAssertEqual(message { try Weight(name: "w", shape: [3, 0]) }, "w needs positive sizes for its shape, got (3, 0)")
    }

    func testReshapeThatCannotHoldTheElements() throws {
        let x = try Input(shape: [10], name: "x")
        XCTAssertEqual(message { try Reshape(targetShape: [3, 3])(x) },
                       "reshape cannot reshape to (3, 3) (9 elements per sample), got (None, 10) from x; the input has 10 elements per sample")
    }
}

import PlexusTensor
import PlexusNN
import XCTest

/// User mistakes at the edges (wrong counts, huge sizes, running before weights exist) are errors, not crashes.
final class RobustnessTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    private func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "no error" } catch { return "\(error)" }
    }

    func testAskingForAnOutputShapeWithTheWrongNumberOfInputsThrows() throws {
        XCTAssertEqual(message { try Dense(units: 2).outputShape(for: []) }, "dense expects 1 input, got none")
        XCTAssertEqual(message { try Conv().outputShape(for: [[nil, 4, 4, 1]]) }, "conv expects 2 inputs, got (None, 4, 4, 1)")
    }

    func testHugeSizesAreErrorsNotOverflows() throws {
        XCTAssertThrowsError(try Input(shape: [1 << 40]))
        XCTAssertThrowsError(try Dense(units: Int.max))
        XCTAssertThrowsError(try Reshape(targetShape: [1 << 30, 1 << 30, 1 << 30]))
        let x = try Input(shape: [1 << 30, 1 << 30, 1])
        XCTAssertEqual(message { try UpSampling2D(size: [4, 4])(x) }.hasPrefix("up_sampling2d would produce shape (None, 4294967296, 4294967296, 1)"), true)
    }

    func testDenseNeedsAKnownFeatureSize() throws {
        let x = try Input(shape: [nil], name: "x")
        XCTAssertEqual(message { try Dense(units: 2)(x) }, "dense needs a known last dimension (features) to create its weights, got (None, None) from x")
    }

    func testPerSampleKernelsMustMatchTheBatch() throws {
        let x = try Input(shape: [8, 8, 1], batchSize: 4, name: "img")
        let k = try Input(shape: [3, 3, 1, 2], batchSize: 5, name: "kernels")
        XCTAssertEqual(message { try Conv()([x, k]) },
                       "conv expects as many per-sample kernels as images (batch 4 vs 5), got (4, 8, 8, 1) from img, (5, 3, 3, 1, 2) from kernels")
    }

    func testModelForwardRunsTheGraphAndChecksItsValues() throws {
        let x = try Input(shape: [3])
        let identity = try Model(inputs: x, outputs: x)
        let context = ForwardContext(seed: 2)
        let v = Variable(try Tensor.ones([2, 3]))
        XCTAssertTrue(try identity.forward([v], context: context) === v)
        let w = try Weight(name: "w", shape: [3])
        let source = try Model(inputs: [], outputs: [w.symbolic])
        XCTAssertFalse(w.isMaterialized)
        XCTAssertTrue(try source.forward([], context: context) === w.variable, "a weight materialises on first use")
        let m = try Model(inputs: x, outputs: try Dense(units: 2)(x), name: "m")
        XCTAssertEqual(message { try m.forward([], context: context) }, "m expects 1 input value (input_layer), got 0")
        XCTAssertEqual(message { try m.forward([Variable(Tensor.ones([2, 4]))], context: context) },
                       "m expects input input_layer of shape (None, 3), got (2, 4)")
    }
}

import XCTest
import PlexusNN

// Receptive fields by Araujo et al.'s arithmetic, checked by hand on small cases and on VGG16.

final class ReceptiveFieldTests: XCTestCase {
    private func field(_ m: Model, _ name: String) throws -> ReceptiveFieldAxis? {
        guard case let .spatial(h, w)? = try receptiveField(m, at: name) else { return nil }
        XCTAssertEqual(h, w, "square windows on a square input")
        return h
    }

    func testVGG16Pool5Sees212Pixels() throws {
        let m = try Applications.vgg16()
        // Each 2x2 pooling moves the first centre by half the jump: 0.5 + 1 + 2 + 4 + 8 = 15.5, i.e.
        // the paper's effective padding of 90 for pool5 ((212 - 1) / 2 - 90 = 15.5).
        XCTAssertEqual(try field(m, "block5_pool"), ReceptiveFieldAxis(size: 212, jump: 32, start: 15.5))
        XCTAssertEqual(try field(m, "block1_conv2")?.size, 5)
        XCTAssertEqual(try receptiveField(m, at: "fc1"), .global)
    }

    func testDilationWidensTheWindow() throws {
        let x = try Input(shape: [16, 16, 1])
        let y = try Conv2D(filters: 1, kernelSize: 3, dilationRate: 2, name: "dilated")(Conv2D(filters: 1, kernelSize: 3, name: "plain")(x))
        let m = try Model(inputs: x, outputs: y)
        XCTAssertEqual(try field(m, "plain"), ReceptiveFieldAxis(size: 3, jump: 1, start: 1))
        // k_eff = 2 * (3 - 1) + 1 = 5: 3 + 4 = 7 pixels, first centre at 1 + 2 = 3.
        XCTAssertEqual(try field(m, "dilated"), ReceptiveFieldAxis(size: 7, jump: 1, start: 3))
    }

    func testStridesAndPoolingMultiplyTheJump() throws {
        let x = try Input(shape: [8, 8, 1])
        let c = try Conv2D(filters: 1, kernelSize: 3, strides: 2, padding: .same, name: "strided")(x)
        let p = try MaxPooling2D(poolSize: 2, name: "pool")(c)
        let m = try Model(inputs: x, outputs: p)
        // "same" with stride 2 on 8 pixels pads 0 before, 1 after: the first window is at 0..2.
        XCTAssertEqual(try field(m, "strided"), ReceptiveFieldAxis(size: 3, jump: 2, start: 1))
        // A 2-window over units 2 apart: 3 + 1 * 2 = 5 pixels, jump 4, centre between 1 and 3.
        XCTAssertEqual(try field(m, "pool"), ReceptiveFieldAxis(size: 5, jump: 4, start: 2))
    }

    func testPaddingMovesTheStartBeforeTheImage() throws {
        let x = try Input(shape: [8, 8, 1])
        let z = try ZeroPadding2D(padding: 1, name: "pad")(x)
        let c = try Conv2D(filters: 1, kernelSize: 3, name: "conv")(z)
        let m = try Model(inputs: x, outputs: c)
        XCTAssertEqual(try field(m, "pad"), ReceptiveFieldAxis(size: 1, jump: 1, start: -1))
        XCTAssertEqual(try field(m, "conv"), ReceptiveFieldAxis(size: 3, jump: 1, start: 0))
    }

    func testAMergeTakesTheLargestFieldOverItsPaths() throws {
        let x = try Input(shape: [8, 8, 1])
        let wide = try Conv2D(filters: 2, kernelSize: 5, padding: .same)(x)
        let narrow = try Conv2D(filters: 2, kernelSize: 1)(x)
        let m = try Model(inputs: x, outputs: Add(name: "sum")([narrow, wide]))
        XCTAssertEqual(try field(m, "sum")?.size, 5)
    }

    func testNonSquareWindowsAndNestedModels() throws {
        let inner = try Input(shape: [8, 8, 1])
        let net = try Model(inputs: inner, outputs: Conv2D(filters: 1, kernelSize: Size2D(3, 1))(inner), name: "net")
        let x = try Input(shape: [8, 8, 1])
        let m = try Model(inputs: x, outputs: Conv2D(filters: 1, kernelSize: Size2D(1, 3), name: "after")(net(x)))
        guard case let .spatial(h, w)? = try receptiveField(m, at: "after") else { return XCTFail("no spatial field") }
        XCTAssertEqual(h.size, 3)
        XCTAssertEqual(w.size, 3)
        guard case let .spatial(nh, nw)? = try receptiveField(m, at: "net") else { return XCTFail("no spatial field") }
        XCTAssertEqual([nh.size, nw.size], [3, 1])
        XCTAssertTrue(try receptiveFieldTable(m).contains("3 x 1"))
    }

    /// A layer of the test's own, declaring a 3x3 window with stride 2 in its own class: the
    /// receptive field reads the declaration, with no case for the type.
    private final class Strided3x3: Layer {
        init(name: String) throws { try super.init(typeName: "Strided3x3", name: name) }
        override func computeOutputShape(_ s: [[Int?]]) throws -> [Int?] { [s[0][0], s[0][1].map { ($0 - 3) / 2 + 1 }, s[0][2].map { ($0 - 3) / 2 + 1 }, s[0][3]] }
        override func pixelGeometry(for inputShapes: [[Int?]]) -> PixelGeometry? { .window(kernel: 3, strides: 2, dilation: 1, padding: .valid) }
    }

    func testALayerDeclaresHowItMovesPixelsAndOthersPassTheFieldOn() throws {
        let x = try Input(shape: [9, 9, 1])
        let s = try Strided3x3(name: "mine")(x)
        let r = try Activation(.relu, name: "act")(s)
        let m = try Model(inputs: x, outputs: try Strided3x3(name: "again")(r))
        XCTAssertEqual(try field(m, "mine"), ReceptiveFieldAxis(size: 3, jump: 2, start: 1))
        XCTAssertEqual(try field(m, "act"), ReceptiveFieldAxis(size: 3, jump: 2, start: 1), "no declaration: the field passes")
        XCTAssertEqual(try field(m, "again"), ReceptiveFieldAxis(size: 7, jump: 4, start: 3))
    }
}

import PlexusTensor
import PlexusNN
import XCTest

/// Keras's `Cropping2D`: the layer added from its specification alone (see its file).
final class Cropping2DTests: XCTestCase {
    override func setUp() { NameScope.current = NameScope() }

    func testEachSideIsCroppedOnItsOwn() throws {
        let x = try Input(shape: [28, 28, 3])
        XCTAssertEqual(try Cropping2D(top: 2, bottom: 2, left: 4, right: 4)(x).shape, [nil, 24, 20, 3])
        XCTAssertEqual(try Cropping2D(top: 0, bottom: 1, left: 3, right: 0)(x).shape, [nil, 27, 25, 3])
    }

    func testTheValuesAreTheInputsInnerWindow() throws {
        let x = try seededTensor([2, 5, 6, 3], seed: 1)
        let y = try cropping2d(x, cropping: (1, 2, 2, 1))
        XCTAssertEqual(y.shape, [2, 2, 3, 3])
        let xs = x.scalars, ys = y.scalars
        for n in 0..<2 { for i in 0..<2 { for j in 0..<3 { for c in 0..<3 {
            XCTAssertEqual(ys[((n * 2 + i) * 3 + j) * 3 + c], xs[((n * 5 + i + 1) * 6 + j + 2) * 3 + c])
        } } } }
    }

    func testTheGradientIsPaddedBackWithZeros() throws {
        let x = try seededTensor([1, 4, 5, 2], seed: 2)
        let r = try gradcheck([x]) { v in try cropping2d(v[0], cropping: (1, 0, 2, 1)) }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testCroppingEverythingIsRefusedNamingTheLayer() throws {
        let x = try Input(shape: [4, 4, 1])
        XCTAssertThrowsError(try Cropping2D(top: 2, bottom: 2, left: 0, right: 0, name: "crop")(x)) { error in
            XCTAssertTrue("\(error)".contains("crop") && "\(error)".contains("nothing is left"), "\(error)")
        }
        XCTAssertThrowsError(try cropping2d(Tensor.zeros([1, 4, 4, 1]), cropping: (0, 0, 1, 3)))
    }

    func testTheReceptiveFieldMovesInwardByTheCroppedRowsAndColumns() throws {
        let x = try Input(shape: [16, 16, 1])
        let conv = try Conv2D(filters: 1, kernelSize: 3, name: "conv")(x)
        let m = try Model(inputs: x, outputs: Cropping2D(top: 2, bottom: 0, left: 1, right: 0, name: "crop")(conv), name: "m")
        guard case .spatial(let h0, let w0)? = try receptiveField(m, at: "conv"),
              case .spatial(let h1, let w1)? = try receptiveField(m, at: "crop") else { return XCTFail("no spatial fields") }
        XCTAssertEqual(h1.size, h0.size)
        XCTAssertEqual(h1.start, h0.start + 2, "two rows of stride 1 cropped off the top")
        XCTAssertEqual(w1.start, w0.start + 1)
    }
}

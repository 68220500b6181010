import XCTest
@testable import PlexusTensor

final class ResampleTests: XCTestCase {
    func testUpsamplingRepeatsEachPixelIntoABlock() throws {
        let x = try Tensor(shape: [1, 2, 2, 1], values: [1, 2, 3, 4])
        let y = try upsampling2d(x, size: (2, 3))
        XCTAssertEqual(y.shape, [1, 4, 6, 1])
        XCTAssertEqual(y.scalars, [1, 1, 1, 2, 2, 2,
                                   1, 1, 1, 2, 2, 2,
                                   3, 3, 3, 4, 4, 4,
                                   3, 3, 3, 4, 4, 4])
    }

    func testUpsamplingCopiesWholeChannelVectors() throws {
        let x = try Tensor(shape: [1, 1, 2, 2], values: [1, 10, 2, 20])
        XCTAssertEqual(try upsampling2d(x, size: (1, 2)).scalars, [1, 10, 1, 10, 2, 20, 2, 20])
    }

    func testUpsamplingGradientSumsEachBlock() throws {
        let x = Variable(try Tensor.zeros([1, 2, 2, 1]), requiresGrad: true)
        let y = try upsampling2d(x, size: (2, 3))
        // Weight each output cell by its flat index: block (0, 0) holds 0, 1, 2, 6, 7, 8 -> 24.
        let w = try Tensor(shape: y.shape, values: (0..<24).map(Float.init))
        let g = try gradients(of: try sumAll(try y * Variable(w)), withRespectTo: [x])[0]
        XCTAssertEqual(g.scalars, [24, 42, 96, 114])
    }

    func testUpsamplingGradcheck() throws {
        var gen = RandomGenerator(seed: 41)
        let x = try Tensor.normal([2, 3, 2, 3], using: &gen)
        let r = try gradcheck([x]) { v in try upsampling2d(v[0], size: (2, 3)) }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testLargeUpsamplingMatchesTheDefinition() throws {
        // 80 input rows of 1,728 output elements: split over both cores.
        var gen = RandomGenerator(seed: 42)
        let x = try Tensor.normal([2, 40, 18, 8], using: &gen)
        let y = try upsampling2d(x, size: (3, 2))
        XCTAssertEqual(y.shape, [2, 120, 36, 8])
        for (n, h, w, c) in [(0, 0, 0, 0), (1, 119, 35, 7), (1, 61, 17, 3), (0, 44, 2, 5)] {
            XCTAssertEqual(y[n, h, w, c], x[n, h / 3, w / 2, c])
        }
    }

    func testZeroPaddingSurroundsEachImage() throws {
        let x = try Tensor(shape: [1, 2, 2, 1], values: [1, 2, 3, 4])
        let y = try zeroPadding2d(x, padding: (top: 1, bottom: 0, left: 2, right: 1))
        XCTAssertEqual(y.shape, [1, 3, 5, 1])
        XCTAssertEqual(y.scalars, [0, 0, 0, 0, 0,
                                   0, 0, 1, 2, 0,
                                   0, 0, 3, 4, 0])
    }

    func testZeroPaddingKeepsSamplesAndChannelsApart() throws {
        let x = try Tensor(shape: [2, 1, 1, 2], values: [1, 2, 3, 4])
        let y = try zeroPadding2d(x, padding: (0, 1, 1, 0))
        XCTAssertEqual(y.shape, [2, 2, 2, 2])
        XCTAssertEqual(y.scalars, [0, 0, 1, 2, 0, 0, 0, 0,
                                   0, 0, 3, 4, 0, 0, 0, 0])
    }

    func testZeroPaddingGradcheck() throws {
        var gen = RandomGenerator(seed: 43)
        let x = try Tensor.normal([2, 3, 4, 2], using: &gen)
        let r = try gradcheck([x]) { v in try zeroPadding2d(v[0], padding: (2, 1, 0, 3)) }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testBadArgumentsThrowNamingTheShape() throws {
        let x = try Tensor.zeros([2, 3, 3])
        XCTAssertThrowsError(try upsampling2d(x, size: (2, 2))) { error in
            XCTAssertTrue("\(error)".contains("(2, 3, 3)"), "\(error)")
        }
        let image = try Tensor.zeros([1, 2, 2, 1])
        XCTAssertThrowsError(try upsampling2d(image, size: (0, 2)))
        XCTAssertThrowsError(try zeroPadding2d(image, padding: (1, -1, 0, 0)))
        XCTAssertThrowsError(try zeroPadding2d(x, padding: (1, 1, 1, 1)))
    }
}

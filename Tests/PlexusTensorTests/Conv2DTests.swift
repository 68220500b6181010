import XCTest
@testable import PlexusTensor

private func random(_ shape: [Int], seed: UInt64) throws -> Tensor {
    var gen = RandomGenerator(seed: seed)
    return try Tensor.normal(shape, using: &gen)
}

/// The convolution written straight from its definition (sums in Double, no im2col, no BLAS), to
/// compare every path against.
private func referenceConv(_ x: Tensor, _ w: Tensor, strides: (Int, Int), padding: Padding,
                           dilation: (Int, Int) = (1, 1), groups: Int = 1) throws -> Tensor {
    let (n, h, wd, cin) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (kh, kw, cg, cout) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
    let og = cout / groups
    let rh = try XCTUnwrap(padding.resolve(input: h, kernel: kh, stride: strides.0, dilation: dilation.0, axis: 0))
    let rw = try XCTUnwrap(padding.resolve(input: wd, kernel: kw, stride: strides.1, dilation: dilation.1, axis: 1))
    let (ho, wo) = (rh.output, rw.output)
    let xs = x.scalars, ws = w.scalars
    var out = [Float](repeating: 0, count: n * ho * wo * cout)
    for b in 0..<n { for oh in 0..<ho { for ow in 0..<wo { for o in 0..<cout {
        var s = 0.0
        let grp = o / og
        for ki in 0..<kh { for kj in 0..<kw { for c in 0..<cg {
            let ih = oh * strides.0 - rh.before + ki * dilation.0
            let iw = ow * strides.1 - rw.before + kj * dilation.1
            guard ih >= 0, ih < h, iw >= 0, iw < wd else { continue }
            s += Double(xs[((b * h + ih) * wd + iw) * cin + grp * cg + c]) * Double(ws[((ki * kw + kj) * cg + c) * cout + o])
        } } }
        out[((b * ho + oh) * wo + ow) * cout + o] = Float(s)
    } } } }
    return try Tensor(shape: [n, ho, wo, cout], values: out)
}

private func dot(_ a: Tensor, _ b: Tensor) -> Double {
    zip(a.scalars, b.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}

private func assertClose(_ a: Tensor, _ b: Tensor, _ tolerance: Float = 1e-4, _ message: String = "",
                         file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, message, file: file, line: line)
    let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThanOrEqual(worst, tolerance, message, file: file, line: line)
}

/// One convolution configuration, with the path it must take.
private struct Case: Sendable {
    var name: String
    var x: [Int], w: [Int]
    var strides = (1, 1), padding = Padding.valid, dilation = (1, 1), groups = 1
    var path: ConvPath
}

private let cases: [Case] = [
    Case(name: "stride 2, same padding, odd sizes", x: [2, 7, 5, 3], w: [3, 3, 3, 4], strides: (2, 2), padding: .same, path: .im2col),
    Case(name: "dilation 2", x: [1, 7, 8, 2], w: [3, 2, 2, 3], padding: .same, dilation: (2, 2), path: .im2col),
    Case(name: "groups 2", x: [2, 5, 4, 4], w: [3, 3, 2, 6], padding: .same, groups: 2, path: .im2col),
    Case(name: "depthwise", x: [2, 6, 5, 3], w: [3, 3, 1, 3], strides: (2, 1), padding: .same, groups: 3, path: .depthwise),
    Case(name: "depthwise multiplier 2", x: [1, 5, 6, 3], w: [2, 3, 1, 6], padding: .valid, dilation: (1, 2), groups: 3, path: .depthwise),
    Case(name: "1x1 path", x: [2, 3, 4, 5], w: [1, 1, 5, 3], path: .pointwise),
    Case(name: "1x1 path, groups 2", x: [1, 3, 2, 4], w: [1, 1, 2, 6], padding: .same, groups: 2, path: .pointwise),
    Case(name: "1x1 stride 2 takes im2col", x: [1, 5, 4, 3], w: [1, 1, 3, 2], strides: (2, 2), path: .im2col),
    Case(name: "non-square kernel", x: [2, 6, 7, 2], w: [2, 3, 2, 3], strides: (2, 1), path: .im2col),
    Case(name: "explicit padding", x: [1, 4, 5, 2], w: [3, 3, 2, 2], padding: .explicit(top: 2, bottom: 0, left: 1, right: 3), path: .im2col),
    Case(name: "one output channel", x: [2, 6, 5, 8], w: [3, 3, 8, 1], padding: .same, path: .singleOutput),
    Case(name: "one output channel, strides 2, vertical dilation 2", x: [1, 7, 6, 3], w: [3, 2, 3, 1], strides: (2, 2),
         padding: .same, dilation: (2, 1), path: .singleOutput),
    Case(name: "one output channel, explicit padding", x: [1, 4, 5, 2], w: [3, 3, 2, 1],
         padding: .explicit(top: 2, bottom: 0, left: 1, right: 3), path: .singleOutput),
    Case(name: "one output channel with horizontal dilation takes im2col", x: [1, 5, 6, 2], w: [2, 2, 2, 1],
         dilation: (1, 2), path: .im2col),
]

final class Conv2DTests: XCTestCase {
    func testValidConvMatchesHandValues() throws {
        // x = 1...9 as a 3x3 image, kernel [[1, 2], [3, 4]]: e.g. 1*1 + 2*2 + 3*4 + 4*5 = 37.
        let x = try Tensor(shape: [1, 3, 3, 1], values: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let w = try Tensor(shape: [2, 2, 1, 1], values: [1, 2, 3, 4])
        let y = try conv2d(x, w)
        XCTAssertEqual(y.shape, [1, 2, 2, 1])
        XCTAssertEqual(y.scalars, [37, 47, 67, 77])
    }

    func testStrideTwoSamePaddingPadsAfterAsKerasDoes() throws {
        // ceil(3/2) = 2 outputs, one pixel of padding after: windows at rows/cols {0,1} and {2,pad}.
        // By hand: 37; 1*3 + 3*6 = 21; 1*7 + 2*8 = 23; 1*9 = 9.
        let x = try Tensor(shape: [1, 3, 3, 1], values: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let w = try Tensor(shape: [2, 2, 1, 1], values: [1, 2, 3, 4])
        XCTAssertEqual(try conv2d(x, w, strides: (2, 2), padding: .same).scalars, [37, 21, 23, 9])
    }

    func testTwoChannelsThroughIm2colMatchHandValues() throws {
        // A 2x2 image, channel 0 = (1, 2, 3, 4), channel 1 = (5, 6, 7, 8), interleaved NHWC.
        // Output 0: taps (1, 2, 3, 4) on channel 0 and 10 on channel 1: 1+4+9+16 + 10*26 = 290.
        // Output 1: 1 on channel 0, 0 on channel 1: 1+2+3+4 = 10.
        let x = try Tensor(shape: [1, 2, 2, 2], values: [1, 5, 2, 6, 3, 7, 4, 8])
        let w = try Tensor(shape: [2, 2, 2, 2], values: [1, 1, 10, 0, 2, 1, 10, 0, 3, 1, 10, 0, 4, 1, 10, 0])
        let g = try ConvGeometry(op: "conv2d", input: x.shape, kernel: w.shape, strides: (1, 1), padding: .valid,
                                 dilation: (1, 1), groups: 1)
        XCTAssertEqual(g.path, .im2col)
        XCTAssertEqual(try conv2d(x, w).scalars, [290, 10])
    }

    func testTwoChannelsInTwoOutMatchHandValues() throws {
        // One pixel, 1x1 kernel: y[o] = sum_c x[c] w[c, o]; x = (1, 2), w = [[1, 2], [3, 4]] -> (7, 10).
        let x = try Tensor(shape: [1, 1, 1, 2], values: [1, 2])
        let w = try Tensor(shape: [1, 1, 2, 2], values: [1, 2, 3, 4])
        XCTAssertEqual(try conv2d(x, w).scalars, [7, 10])
    }

    func testEachCaseTakesItsPath() throws {
        for c in cases {
            let g = try ConvGeometry(op: "conv2d", input: c.x, kernel: c.w, strides: c.strides, padding: c.padding,
                                     dilation: c.dilation, groups: c.groups)
            XCTAssertEqual(g.path, c.path, c.name)
        }
    }

    func testEveryPathMatchesTheDefinition() throws {
        for (i, c) in cases.enumerated() {
            let x = try random(c.x, seed: UInt64(100 + i)), w = try random(c.w, seed: UInt64(200 + i))
            let y = try conv2d(x, w, strides: c.strides, padding: c.padding, dilation: c.dilation, groups: c.groups)
            let ref = try referenceConv(x, w, strides: c.strides, padding: c.padding, dilation: c.dilation, groups: c.groups)
            assertClose(y, ref, 1e-4, c.name)
        }
    }

    func testTheBiasWrittenBeforeTheProductEqualsTheBiasAddedAfterOnEveryPath() throws {
        for (i, c) in cases.enumerated() {
            let x = try random(c.x, seed: UInt64(500 + i)), w = try random(c.w, seed: UInt64(600 + i))
            let b = try random([c.w[3]], seed: UInt64(700 + i))
            let y = try conv2d(x, w, bias: b, strides: c.strides, padding: c.padding, dilation: c.dilation, groups: c.groups)
            let ref = try referenceConv(x, w, strides: c.strides, padding: c.padding, dilation: c.dilation, groups: c.groups)
            assertClose(y, try ref.broadcasting(b, op: "add", +), 1e-4, c.name)
        }
        XCTAssertThrowsError(try conv2d(try random([1, 4, 4, 2], seed: 1), try random([3, 3, 2, 3], seed: 2),
                                        bias: try random([2], seed: 3), strides: (1, 1), padding: .same,
                                        dilation: (1, 1), groups: 1)) { error in
            XCTAssertTrue("\(error)".contains("3 output channels"), "\(error)")
        }
    }

    func testGradientsOfEveryPath() throws {
        for (i, c) in cases.enumerated() {
            let x = try random(c.x, seed: UInt64(300 + i)), w = try random(c.w, seed: UInt64(400 + i))
            let r = try gradcheck([x, w]) { v in
                try conv2d(v[0], v[1], strides: c.strides, padding: c.padding, dilation: c.dilation, groups: c.groups)
            }
            XCTAssertTrue(r.passed, "\(c.name): \(r)")
        }
    }

    func testGradientsAtSizesSplitAcrossCoresAreAdjoints() throws {
        // Large enough for im2col, col2im and the depthwise loops to use parallelFor. conv2d is
        // bilinear, so <conv(x, w), dy> = <x, dX(dy)> = <w, dW(x, dy)>.
        for (xs, ws, groups) in [([2, 32, 32, 8], [3, 3, 8, 8], 1), ([2, 32, 32, 16], [3, 3, 1, 16], 16),
                                 ([4, 32, 32, 8], [3, 3, 8, 1], 1)] {
            let x = try random(xs, seed: 1), k = try random(ws, seed: 2)
            let y = try conv2d(x, k, strides: (1, 2), padding: .same, groups: groups)
            let dy = try random(y.shape, seed: 3)
            let g = try conv2dGradients(x, k, outputGradient: dy, strides: (1, 2), padding: .same, groups: groups)
            let lhs = dot(y, dy)
            XCTAssertEqual(dot(x, try XCTUnwrap(g.input)), lhs, accuracy: 1e-3 * abs(lhs) + 1e-2)
            XCTAssertEqual(dot(k, try XCTUnwrap(g.kernel)), lhs, accuracy: 1e-3 * abs(lhs) + 1e-2)
            assertClose(y, try referenceConv(x, k, strides: (1, 2), padding: .same, groups: groups), 1e-3)
        }
    }

    func testFrozenKernelGetsNoGradient() throws {
        let x = try random([1, 4, 4, 2], seed: 5), w = try random([3, 3, 2, 2], seed: 6)
        let dy = try random([1, 2, 2, 2], seed: 7)
        let g = try conv2dGradients(x, w, outputGradient: dy, kernel: false)
        XCTAssertNotNil(g.input)
        XCTAssertNil(g.kernel)
        let v = try conv2d(Variable(x, requiresGrad: true), Variable(w))
        XCTAssertTrue(v.requiresGrad)
    }

    func testEmptyBatchGivesEmptyOutputAndZeroKernelGradient() throws {
        for cout in [4, 1] {
            let x = try Tensor.zeros([0, 5, 5, 2]), w = try random([3, 3, 2, cout], seed: 8)
            let y = try conv2d(x, w)
            XCTAssertEqual(y.shape, [0, 3, 3, cout])
            let g = try conv2dGradients(x, w, outputGradient: y)
            XCTAssertEqual(g.input?.shape, [0, 5, 5, 2])
            XCTAssertEqual(g.kernel?.scalars, [Float](repeating: 0, count: 18 * cout))
        }
    }

    func testChannelMismatchNamesBothShapes() throws {
        XCTAssertThrowsError(try conv2d(Tensor.zeros([1, 5, 5, 3]), Tensor.zeros([3, 3, 4, 8]))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("(1, 5, 5, 3)") && text.contains("(3, 3, 4, 8)"), text)
        }
    }

    func testGroupsMustDivideChannels() throws {
        XCTAssertThrowsError(try conv2d(Tensor.zeros([1, 5, 5, 6]), Tensor.zeros([3, 3, 2, 5]), groups: 3)) { error in
            XCTAssertTrue("\(error)".contains("3 groups"), "\(error)")
        }
    }

    func testWindowLargerThanInputIsAnError() throws {
        XCTAssertThrowsError(try conv2d(Tensor.zeros([1, 2, 2, 1]), Tensor.zeros([3, 3, 1, 1]))) { error in
            XCTAssertTrue("\(error)".contains("does not fit"), "\(error)")
        }
    }

    func testOutputShapeNeedsNoData() throws {
        XCTAssertEqual(try conv2dOutputShape(input: [8, 224, 224, 3], kernel: [7, 7, 3, 64], strides: (2, 2), padding: .same),
                       [8, 112, 112, 64])
    }

    func testOutputGradientOfTheWrongShapeIsAnError() throws {
        XCTAssertThrowsError(try conv2dGradients(Tensor.zeros([1, 4, 4, 1]), Tensor.zeros([3, 3, 1, 1]),
                                                 outputGradient: Tensor.zeros([1, 4, 4, 1])))
    }
}

extension Conv2DTests {
    /// A wide map's column matrix streams through several cache-sized chunks (forwardChunkRows):
    /// the stitched result must equal the definition, across chunk and batch boundaries and groups.
    func testForwardStreamedInChunksMatchesTheDefinition() throws {
        var gen = RandomGenerator(seed: 77)
        let x = try Tensor.normal([2, 7, 300, 64], using: &gen)
        let w = try Tensor.normal([3, 3, 32, 6], using: &gen)
        let g = try ConvGeometry(op: "test", input: x.shape, kernel: w.shape, strides: (1, 1), padding: .same,
                                 dilation: (1, 1), groups: 2)
        XCTAssertLessThan(g.forwardChunkRows, g.batch * g.outHeight, "the test must span several chunks")
        XCTAssertNotEqual((g.batch * g.outHeight) % g.forwardChunkRows, 0, "and end on a partial chunk")
        let y = try conv2d(x, w, padding: .same, groups: 2)
        assertClose(y, try referenceConv(x, w, strides: (1, 1), padding: .same, groups: 2), 1e-3)
    }
}

extension Conv2DTests {
    /// A channel multiplier of 8 or more runs eight lanes at a time (plus a remainder for 9):
    /// forward equal to the definition, gradients equal to finite differences.
    func testDepthwiseWithWideMultipliersMatchesTheDefinitionAndGradcheck() throws {
        var gen = RandomGenerator(seed: 78)
        for mult in [8, 9] {
            let x = try Tensor.normal([2, 5, 6, 2], using: &gen)
            let w = try Tensor.normal([3, 3, 1, 2 * mult], using: &gen)
            let y = try conv2d(x, w, padding: .same, groups: 2)
            assertClose(y, try referenceConv(x, w, strides: (1, 1), padding: .same, groups: 2), 1e-4, "multiplier \(mult)")
            let r = try gradcheck([x, w]) { v in try conv2d(v[0], v[1], padding: .same, groups: 2) }
            XCTAssertTrue(r.passed, "multiplier \(mult): \(r)")
        }
    }
}

extension Conv2DTests {
    /// With a multiplier of 1 each output pixel sums its taps sixteen channels at a time in
    /// registers: 35 channels cover two full blocks and a tail of three; strides, dilation and
    /// padding leave border pixels with fewer taps. Equal to the definition.
    func testDepthwiseWithOneFilterPerChannelMatchesTheDefinitionAcrossBlocksAndBorders() throws {
        var gen = RandomGenerator(seed: 79)
        let x = try Tensor.normal([2, 9, 8, 35], using: &gen)
        let w = try Tensor.normal([3, 3, 1, 35], using: &gen)
        for (strides, dilation, padding) in [((1, 1), (1, 1), Padding.same), ((2, 2), (1, 1), .same),
                                             ((1, 1), (2, 2), .same), ((2, 1), (1, 1), .valid)] {
            let y = try conv2d(x, w, strides: strides, padding: padding, dilation: dilation, groups: 35)
            assertClose(y, try referenceConv(x, w, strides: strides, padding: padding, dilation: dilation, groups: 35), 1e-4,
                        "strides \(strides) dilation \(dilation) \(padding)")
        }
    }
}

extension Conv2DTests {
    private func depthwiseGeometry(_ x: [Int], strides: (Int, Int) = (1, 1), padding: Padding,
                                   dilation: (Int, Int) = (1, 1), kernel: (Int, Int) = (3, 3)) throws -> ConvGeometry {
        try ConvGeometry(op: "conv2d", input: x, kernel: [kernel.0, kernel.1, 1, x[3]], strides: strides, padding: padding,
                         dilation: dilation, groups: x[3])
    }

    /// The row kernel takes exactly the columns whose three taps lie inside the image: "same"
    /// padding leaves one edge column each side, stride 2 with padding on the left only the first,
    /// and any other kernel size, a column dilation or a channel multiplier none at all.
    func testDepthwise3x3InteriorIsTheColumnsWithEveryTapInside() throws {
        XCTAssertEqual(try depthwiseGeometry([1, 6, 8, 4], padding: .same).depthwise3x3Interior, 1..<7)
        XCTAssertEqual(try depthwiseGeometry([1, 6, 8, 4], padding: .valid).depthwise3x3Interior, 0..<6)
        XCTAssertEqual(try depthwiseGeometry([1, 6, 9, 4], strides: (2, 2), padding: .explicit(top: 1, bottom: 1, left: 1, right: 0))
                        .depthwise3x3Interior, 1..<4)
        XCTAssertEqual(try depthwiseGeometry([1, 6, 8, 4], padding: .same, dilation: (2, 1)).depthwise3x3Interior, 1..<7,
                       "a row dilation keeps it")
        XCTAssertTrue(try depthwiseGeometry([1, 6, 8, 4], padding: .same, dilation: (1, 2)).depthwise3x3Interior.isEmpty)
        XCTAssertTrue(try depthwiseGeometry([1, 6, 8, 4], padding: .same, kernel: (5, 5)).depthwise3x3Interior.isEmpty)
        XCTAssertTrue(try depthwiseGeometry([1, 6, 2, 4], padding: .same).depthwise3x3Interior.isEmpty, "narrower than the kernel")
        let multiplied = try ConvGeometry(op: "conv2d", input: [1, 6, 8, 4], kernel: [3, 3, 1, 8], strides: (1, 1),
                                          padding: .same, dilation: (1, 1), groups: 4)
        XCTAssertTrue(multiplied.depthwise3x3Interior.isEmpty)
    }

    /// Rows in the padding (top, bottom, a row dilation reaching past the edge), lopsided padding,
    /// column strides and a channel tail (19 = two blocks of eight and three) through the row
    /// kernel and the edge pixels beside it: equal to the definition.
    func testDepthwise3x3RowsMatchTheDefinitionAtEveryBorder() throws {
        var gen = RandomGenerator(seed: 80)
        let x = try Tensor.normal([2, 7, 10, 19], using: &gen)
        let w = try Tensor.normal([3, 3, 1, 19], using: &gen)
        for (strides, dilation, padding) in [((1, 1), (1, 1), Padding.same), ((2, 2), (1, 1), .same), ((1, 2), (2, 1), .same),
                                             ((1, 1), (1, 1), .explicit(top: 2, bottom: 0, left: 0, right: 2)),
                                             ((1, 1), (1, 1), .explicit(top: 4, bottom: 3, left: 5, right: 6)),
                                             ((2, 1), (1, 1), .valid)] {
            let y = try conv2d(x, w, strides: strides, padding: padding, dilation: dilation, groups: 19)
            assertClose(y, try referenceConv(x, w, strides: strides, padding: padding, dilation: dilation, groups: 19), 1e-4,
                        "strides \(strides) dilation \(dilation) \(padding)")
        }
    }

    /// An RGB image under a 7x7 stride-2 kernel (ResNet's first layer): im2col copies each kernel
    /// row's taps inside the image as one stretch, zeros for the rest. Equal to the definition,
    /// and so are a padding wider than the kernel (columns with no tap inside) and the grouped
    /// case, which copies tap by tap.
    func testIm2colCopiesWholeKernelRowsAndMatchesTheDefinition() throws {
        var gen = RandomGenerator(seed: 81)
        let x = try Tensor.normal([1, 13, 12, 3], using: &gen)
        let w = try Tensor.normal([7, 7, 3, 4], using: &gen)
        for padding in [Padding.same, .valid, .explicit(top: 3, bottom: 2, left: 1, right: 4)] {
            let y = try conv2d(x, w, strides: (2, 2), padding: padding)
            assertClose(y, try referenceConv(x, w, strides: (2, 2), padding: padding), 1e-4, "\(padding)")
        }
        // Padding wider than the kernel: the outermost columns have no tap inside the image.
        let w3 = try Tensor.normal([3, 3, 3, 4], using: &gen)
        let wide = Padding.explicit(top: 4, bottom: 1, left: 5, right: 6)
        assertClose(try conv2d(x, w3, padding: wide), try referenceConv(x, w3, strides: (1, 1), padding: wide), 1e-4, "\(wide)")
        let xg = try Tensor.normal([1, 9, 8, 4], using: &gen), wg = try Tensor.normal([5, 5, 2, 4], using: &gen)
        assertClose(try conv2d(xg, wg, strides: (2, 1), padding: .same, groups: 2),
                    try referenceConv(xg, wg, strides: (2, 1), padding: .same, groups: 2), 1e-4, "groups 2")
    }
}

import XCTest
@testable import PlexusTensor

/// F(2x2, 3x3) (Conv2DWinograd.swift) against the convolution's definition, summed in Double.
final class Conv2DWinogradTests: XCTestCase {
    private struct Case {
        var name: String, x: [Int], w: [Int], padding: Padding
    }

    /// Odd output sizes leave half tiles at the bottom and right; the explicit padding is lopsided.
    private let cases = [
        Case(name: "same, odd sizes, batch 2", x: [2, 15, 13, 32], w: [3, 3, 32, 40], padding: .same),
        Case(name: "valid", x: [1, 23, 22, 40], w: [3, 3, 40, 32], padding: .valid),
        Case(name: "explicit, lopsided", x: [1, 20, 19, 32], w: [3, 3, 32, 32],
             padding: .explicit(top: 2, bottom: 0, left: 1, right: 3)),
    ]

    private func geometry(_ x: [Int], _ w: [Int], strides: (Int, Int) = (1, 1), padding: Padding = .same,
                          dilation: (Int, Int) = (1, 1), groups: Int = 1) throws -> ConvGeometry {
        try ConvGeometry(op: "conv2d", input: x, kernel: w, strides: strides, padding: padding, dilation: dilation, groups: groups)
    }

    private func random(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var gen = RandomGenerator(seed: seed)
        return try Tensor.normal(shape, using: &gen)
    }

    /// `conv2d` by its definition: every output a sum over the window, in Double, zero outside.
    private func definition(_ x: Tensor, _ w: Tensor, _ g: ConvGeometry) -> [Float] {
        let xs = x.scalars, ws = w.scalars
        var out = [Float](repeating: 0, count: g.outputCount)
        for n in 0..<g.batch { for oy in 0..<g.outHeight { for ox in 0..<g.outWidth { for o in 0..<g.outChannels {
            var s = 0.0
            for r in 0..<3 { for t in 0..<3 {
                let iy = oy - g.padTop + r, ix = ox - g.padLeft + t
                guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { continue }
                for c in 0..<g.inChannels {
                    s += Double(xs[((n * g.height + iy) * g.width + ix) * g.inChannels + c])
                        * Double(ws[((r * 3 + t) * g.inChannels + c) * g.outChannels + o])
                }
            } }
            out[((n * g.outHeight + oy) * g.outWidth + ox) * g.outChannels + o] = Float(s)
        } } } }
        return out
    }

    private func assertClose(_ a: [Float], _ b: [Float], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        // Counted, not maximised: a NaN (a pixel never written) fails `<=` where `max()` could skip it.
        let off = zip(a, b).filter { !(abs($0 - $1) <= 1e-4) }.count
        XCTAssertEqual(off, 0, "\(message): \(off) of \(a.count) values differ by more than 1e-4", file: file, line: line)
    }

    func testThreeByThreeStrideOneConvolutionsOverManyTilesTakeWinograd() throws {
        for c in cases { XCTAssertTrue(try geometry(c.x, c.w, padding: c.padding).usesWinograd, c.name) }
    }

    func testOtherConvolutionsDoNot() throws {
        XCTAssertTrue(try geometry([1, 20, 20, 32], [3, 3, 32, 32]).usesWinograd, "the geometry the others change one thing of")
        XCTAssertFalse(try geometry([1, 20, 20, 32], [3, 3, 32, 32], strides: (2, 2)).usesWinograd, "stride 2")
        XCTAssertFalse(try geometry([1, 20, 20, 32], [3, 3, 32, 32], dilation: (2, 2)).usesWinograd, "dilation 2")
        XCTAssertFalse(try geometry([1, 20, 20, 64], [3, 3, 32, 32], groups: 2).usesWinograd, "groups 2")
        XCTAssertFalse(try geometry([1, 20, 20, 36], [3, 3, 36, 32]).usesWinograd, "36 input channels, not whole vectors")
        XCTAssertFalse(try geometry([1, 20, 20, 32], [3, 3, 32, 36]).usesWinograd, "36 output channels")
        XCTAssertFalse(try geometry([1, 20, 20, 32], [5, 5, 32, 32]).usesWinograd, "5x5 kernel")
        XCTAssertFalse(try geometry([1, 14, 14, 32], [3, 3, 32, 32]).usesWinograd, "49 tiles, too few to pay for the kernel's transform")
        XCTAssertFalse(try geometry([1, 20, 20, 24], [3, 3, 24, 64]).usesWinograd, "24 input channels: sixteen thin GEMMs")
        XCTAssertFalse(try geometry([32, 9, 9, 64], [3, 3, 64, 96]).usesWinograd,
                       "a 9x9 image, whose 5x5 tiles are one fifth padding, however large the batch")
    }

    func testWinogradMatchesTheDefinition() throws {
        for (i, c) in cases.enumerated() {
            let x = try random(c.x, seed: UInt64(10 + i)), w = try random(c.w, seed: UInt64(20 + i))
            let g = try geometry(c.x, c.w, padding: c.padding)
            assertClose(try conv2d(x, w, padding: c.padding).scalars, definition(x, w, g), c.name)
        }
    }

    func testTheBiasIsAddedToEveryPixelOfEveryTile() throws {
        for (i, c) in cases.enumerated() {
            let x = try random(c.x, seed: UInt64(30 + i)), w = try random(c.w, seed: UInt64(40 + i))
            let b = try random([c.w[3]], seed: UInt64(50 + i))
            let g = try geometry(c.x, c.w, padding: c.padding)
            let y = try conv2d(x, w, bias: b, strides: (1, 1), padding: c.padding, dilation: (1, 1), groups: 1)
            let bs = b.scalars
            let expected = definition(x, w, g).enumerated().map { $0.element + bs[$0.offset % g.outChannels] }
            assertClose(y.scalars, expected, c.name)
        }
    }

    func testEveryChunkOfTilesWritesItsOwnPixels() throws {
        // One tile row per chunk: every chunk boundary crossed, every pixel written exactly by its tile
        // (the output starts as NaN, so a pixel no chunk wrote shows).
        for (i, c) in cases.enumerated() {
            let x = try random(c.x, seed: UInt64(60 + i)), w = try random(c.w, seed: UInt64(70 + i))
            let g = try geometry(c.x, c.w, padding: c.padding)
            var y = [Float](repeating: .nan, count: g.outputCount)
            var scratch = [Float](repeating: 0, count: g.winogradScratchCount)
            x.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { wp in
                y.withUnsafeMutableBufferPointer { yp in scratch.withUnsafeMutableBufferPointer { sp in
                    winogradForward(g, input: xp.baseAddress!, kernel: wp.baseAddress!, bias: nil, output: yp.baseAddress!,
                                    scratch: sp.baseAddress!, chunkTileRows: 1)
                } }
            } }
            assertClose(y, definition(x, w, g), c.name)
        }
    }

    /// The input gradient by its definition: dx[y][x][c] = sum over r, s, k of dy[y + pt - r][x + pl - s][k] w[r][s][c][k].
    private func inputGradientDefinition(_ dy: Tensor, _ w: Tensor, _ g: ConvGeometry) -> [Float] {
        let dys = dy.scalars, ws = w.scalars
        var out = [Float](repeating: 0, count: g.inputCount)
        for n in 0..<g.batch { for iy in 0..<g.height { for ix in 0..<g.width { for c in 0..<g.inChannels {
            var s = 0.0
            for r in 0..<3 { for t in 0..<3 {
                let oy = iy + g.padTop - r, ox = ix + g.padLeft - t
                guard oy >= 0, oy < g.outHeight, ox >= 0, ox < g.outWidth else { continue }
                for k in 0..<g.outChannels {
                    s += Double(dys[((n * g.outHeight + oy) * g.outWidth + ox) * g.outChannels + k])
                        * Double(ws[((r * 3 + t) * g.inChannels + c) * g.outChannels + k])
                }
            } }
            out[((n * g.height + iy) * g.width + ix) * g.inChannels + c] = Float(s)
        } } } }
        return out
    }

    func testTheInputGradientRunsAsAForwardWinogradWhenItsPaddingAllows() throws {
        XCTAssertNotNil(try geometry(cases[0].x, cases[0].w, padding: cases[0].padding).winogradInputGradientGeometry, "same: pads 1")
        XCTAssertNotNil(try geometry(cases[1].x, cases[1].w, padding: cases[1].padding).winogradInputGradientGeometry, "valid: pads 2")
        XCTAssertNil(try geometry(cases[2].x, cases[2].w, padding: cases[2].padding).winogradInputGradientGeometry,
                     "padding 3 on the right would need -1")
    }

    func testTheInputGradientMatchesTheDefinition() throws {
        for (i, c) in cases.enumerated() {
            let x = try random(c.x, seed: UInt64(80 + i)), w = try random(c.w, seed: UInt64(90 + i))
            let g = try geometry(c.x, c.w, padding: c.padding)
            let dy = try random(g.outputShape, seed: UInt64(100 + i))
            let dx = try XCTUnwrap(conv2dGradients(x, w, outputGradient: dy, padding: c.padding, kernel: false).input)
            assertClose(dx.scalars, inputGradientDefinition(dy, w, g), c.name)
        }
    }
}

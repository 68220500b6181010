import XCTest
@testable import PlexusTensor

final class PoolingTests: XCTestCase {
    /// A 4x4 single-channel image, worked by hand below.
    let image: [Float] = [1, 3, 2, 1,
                          4, 2, 0, 1,
                          5, 6, 1, 2,
                          7, 8, 3, 4]

    /// Distinct values 0.1 apart in a random order: no window holds two maxima within the
    /// gradient check's step, so max pooling is differentiable at the test point.
    func distinctValues(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var gen = RandomGenerator(seed: seed)
        let n = shape.reduce(1, *)
        return try Tensor(shape: shape, values: Array(0..<n).shuffled(using: &gen).map { Float($0) * 0.1 - 3 })
    }

    func testMaxPool2x2OfA4x4ImageMatchesHandValues() throws {
        let x = try Tensor(shape: [1, 4, 4, 1], values: image)
        let y = try maxPool2d(x, poolSize: (2, 2))
        XCTAssertEqual(y.shape, [1, 2, 2, 1])
        XCTAssertEqual(y.scalars, [4, 2, 8, 4])
    }

    func testAvgPool2x2OfA4x4ImageMatchesHandValues() throws {
        let x = try Tensor(shape: [1, 4, 4, 1], values: image)
        let y = try avgPool2d(x, poolSize: (2, 2))
        // (1+3+4+2)/4, (2+1+0+1)/4, (5+6+7+8)/4, (1+2+3+4)/4
        XCTAssertEqual(y.scalars, [2.5, 1, 6.5, 2.5])
    }

    func testStridesDefaultToPoolSize() throws {
        let x = try Tensor(shape: [1, 4, 4, 1], values: image)
        XCTAssertEqual(try maxPool2d(x, poolSize: (2, 2)).shape, [1, 2, 2, 1])
        let overlapping = try maxPool2d(x, poolSize: (2, 2), strides: (1, 1))
        XCTAssertEqual(overlapping.shape, [1, 3, 3, 1])
        XCTAssertEqual(overlapping.scalars, [4, 3, 2, 6, 6, 2, 8, 8, 4])
    }

    func testSamePaddingAverageCountsOnlyValidCells() throws {
        // TensorFlow's result for this input (tensorflow/tensorflow#60509): [[3, 4.5], [7.5, 9]];
        // with the padded zeros counted it would be [[3, 2.25], [3.75, 2.25]].
        let x = try Tensor(shape: [1, 3, 3, 1], values: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let y = try avgPool2d(x, poolSize: (2, 2), padding: .same)
        XCTAssertEqual(y.shape, [1, 2, 2, 1])
        XCTAssertEqual(y.scalars, [3, 4.5, 7.5, 9])
    }

    func testSamePaddingMaxIgnoresPaddedCells() throws {
        // All negative: a padded zero taking part would turn the border maxima into 0.
        let x = try Tensor(shape: [1, 3, 3, 1], values: [-1, -2, -3, -4, -5, -6, -7, -8, -9])
        let y = try maxPool2d(x, poolSize: (2, 2), padding: .same)
        XCTAssertEqual(y.scalars, [-1, -3, -7, -9])
    }

    func testMaxPoolKeepsChannelsApart() throws {
        // Two channels interleaved (NHWC): channel 0 is 1...4, channel 1 is 40...10.
        let x = try Tensor(shape: [1, 2, 2, 2], values: [1, 40, 2, 30, 3, 20, 4, 10])
        XCTAssertEqual(try maxPool2d(x, poolSize: (2, 2)).scalars, [4, 40])
        XCTAssertEqual(try avgPool2d(x, poolSize: (2, 2)).scalars, [2.5, 25])
    }

    func testMaxPoolGradientGoesToTheFirstMaximumOnTies() throws {
        let x = Variable(try Tensor.ones([1, 2, 2, 1]), requiresGrad: true)
        let g = try gradients(of: try sumAll(try maxPool2d(x, poolSize: (2, 2))), withRespectTo: [x])
        XCTAssertEqual(g[0].scalars, [1, 0, 0, 0])
    }

    func testOverlappingMaxWindowsAccumulateIntoASharedMaximum() throws {
        // 9 is the maximum of all four 2x2 windows with stride 1: it gets all four gradients.
        let x = Variable(try Tensor(shape: [1, 3, 3, 1], values: [1, 2, 3, 4, 9, 5, 6, 7, 8]), requiresGrad: true)
        let g = try gradients(of: try sumAll(try maxPool2d(x, poolSize: (2, 2), strides: (1, 1))), withRespectTo: [x])
        XCTAssertEqual(g[0].scalars, [0, 0, 0, 0, 4, 0, 0, 0, 0])
    }

    func testMaxPoolGradcheckOverlappingNonSquareWindows() throws {
        let x = try distinctValues([2, 5, 6, 3], seed: 11)
        let r = try gradcheck([x]) { v in try maxPool2d(v[0], poolSize: (3, 2), strides: (2, 1)) }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testMaxPoolGradcheckSamePadding() throws {
        let x = try distinctValues([1, 5, 7, 2], seed: 12)
        let r = try gradcheck([x]) { v in try maxPool2d(v[0], poolSize: (2, 3), strides: (2, 2), padding: .same) }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testAvgPoolGradcheckOverlappingNonSquareWindows() throws {
        var gen = RandomGenerator(seed: 13)
        let x = try Tensor.normal([2, 5, 6, 3], using: &gen)
        let r = try gradcheck([x]) { v in try avgPool2d(v[0], poolSize: (3, 2), strides: (1, 2)) }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testAvgPoolGradcheckSamePaddingWithPartialWindows() throws {
        var gen = RandomGenerator(seed: 14)
        let x = try Tensor.normal([1, 5, 7, 2], using: &gen)
        let r = try gradcheck([x]) { v in try avgPool2d(v[0], poolSize: (3, 2), strides: (2, 3), padding: .same) }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testExplicitPaddingWindowsSeeOnlyRealCells() throws {
        // One column of padding on the left: the first window covers only column 0.
        let x = try Tensor(shape: [1, 1, 3, 1], values: [-2, 4, 6])
        let p = Padding.explicit(top: 0, bottom: 0, left: 1, right: 0)
        XCTAssertEqual(try maxPool2d(x, poolSize: (1, 2), padding: p).scalars, [-2, 6])
        XCTAssertEqual(try avgPool2d(x, poolSize: (1, 2), padding: p).scalars, [-2, 5])
    }

    func testLargeInputMatchesADirectComputation() throws {
        // Large enough to split across threads; the reference is the definition, one cell at a time.
        var gen = RandomGenerator(seed: 15)
        let x = try Tensor.normal([2, 34, 33, 16], using: &gen)
        let y = try maxPool2d(x, poolSize: (3, 3), strides: (2, 2), padding: .same)
        let a = try avgPool2d(x, poolSize: (3, 3), strides: (2, 2), padding: .same)
        XCTAssertEqual(y.shape, [2, 17, 17, 16])
        for (n, oh, ow, c) in [(0, 0, 0, 0), (1, 16, 16, 15), (1, 7, 3, 9), (0, 16, 5, 2)] {
            var best = -Float.infinity, sum: Float = 0, cells: Float = 0
            // "same", window 3, stride 2: height 34 pads 0 above (1 below), width 33 pads 1 left (1 right).
            let top = 0, left = 1
            for h in (oh * 2 - top)..<(oh * 2 - top + 3) where h >= 0 && h < 34 {
                for w in (ow * 2 - left)..<(ow * 2 - left + 3) where w >= 0 && w < 33 {
                    best = max(best, x[n, h, w, c]); sum += x[n, h, w, c]; cells += 1
                }
            }
            XCTAssertEqual(y[n, oh, ow, c], best)
            XCTAssertEqual(a[n, oh, ow, c], sum / cells, accuracy: 1e-5)
        }
    }

    /// The gradient of `sum(pool(x) * w)` by the definition: each output's weight goes to the
    /// first maximum of its window (max) or is shared by its valid cells (average).
    func referencePoolGradient(_ x: Tensor, _ w: Tensor, pool: Int, stride: Int, padBefore: Int, max: Bool) -> [Float] {
        let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = (w.shape[1], w.shape[2])
        var g = [Float](repeating: 0, count: x.count)
        let xs = x.scalars, ws = w.scalars
        for b in 0..<n { for i in 0..<oh { for j in 0..<ow { for k in 0..<c {
            var cells: [Int] = []
            for r in (i * stride - padBefore)..<(i * stride - padBefore + pool) where r >= 0 && r < h {
                for q in (j * stride - padBefore)..<(j * stride - padBefore + pool) where q >= 0 && q < wd {
                    cells.append(((b * h + r) * wd + q) * c + k)
                }
            }
            let weight = ws[((b * oh + i) * ow + j) * c + k]
            if max {
                var best = cells[0]
                for cell in cells where xs[cell] > xs[best] { best = cell }
                g[best] += weight
            } else {
                for cell in cells { g[cell] += weight / Float(cells.count) }
            }
        } } } }
        return g
    }

    func testLargePoolGradientsMatchTheDefinition() throws {
        // 8 x 64 x 64 x 8: the backward scatter splits over both cores by output row when windows
        // do not overlap vertically (2 / 2), by sample when they do (3 / 2).
        var gen = RandomGenerator(seed: 17)
        let x = try Tensor.normal([8, 64, 64, 8], using: &gen)
        for (pool, stride, padding, before) in [(2, 2, Padding.valid, 0), (3, 2, Padding.same, 0)] {
            for isMax in [true, false] {
                let v = Variable(x, requiresGrad: true)
                let y = isMax ? try maxPool2d(v, poolSize: (pool, pool), strides: (stride, stride), padding: padding)
                              : try avgPool2d(v, poolSize: (pool, pool), strides: (stride, stride), padding: padding)
                let w = try Tensor.uniform(y.shape, low: -1, high: 1, using: &gen)
                let g = try gradients(of: try sumAll(try y * Variable(w)), withRespectTo: [v])[0].scalars
                let expected = referencePoolGradient(x, w, pool: pool, stride: stride, padBefore: before, max: isMax)
                var worst: Float = 0
                for i in 0..<g.count { worst = Swift.max(worst, abs(g[i] - expected[i])) }
                XCTAssertLessThan(worst, 1e-5, "pool \(pool) stride \(stride) \(isMax ? "max" : "avg")")
            }
        }
    }

    func testGlobalAvgPoolAveragesEachChannel() throws {
        let x = try Tensor(shape: [1, 2, 2, 2], values: [1, 40, 2, 30, 3, 20, 4, 10])
        let y = try globalAvgPool2d(x)
        XCTAssertEqual(y.shape, [1, 2])
        XCTAssertEqual(y.scalars, [2.5, 25])
        XCTAssertEqual(try globalAvgPool2d(x, keepDims: true).shape, [1, 1, 1, 2])
    }

    func testGlobalMaxPoolTakesEachChannelsMaximum() throws {
        let x = try Tensor(shape: [2, 1, 2, 2], values: [1, 40, 2, 30, -3, -20, -4, -10])
        XCTAssertEqual(try globalMaxPool2d(x).scalars, [2, 40, -3, -10])
        XCTAssertEqual(try globalMaxPool2d(x, keepDims: true).shape, [2, 1, 1, 2])
    }

    func testGlobalPoolsGradcheck() throws {
        let x = try distinctValues([2, 3, 4, 5], seed: 16)
        for keep in [false, true] {
            let a = try gradcheck([x]) { v in try globalAvgPool2d(v[0], keepDims: keep) }
            XCTAssertTrue(a.passed, "avg: \(a)")
            let m = try gradcheck([x]) { v in try globalMaxPool2d(v[0], keepDims: keep) }
            XCTAssertTrue(m.passed, "max: \(m)")
        }
    }

    func testNonNHWCInputThrowsNamingTheShape() throws {
        let x = try Tensor.zeros([4, 4, 3])
        XCTAssertThrowsError(try maxPool2d(x, poolSize: (2, 2))) { error in
            XCTAssertTrue("\(error)".contains("(4, 4, 3)"), "\(error)")
        }
        XCTAssertThrowsError(try globalAvgPool2d(x))
    }

    func testWindowLargerThanAValidInputThrows() throws {
        let x = try Tensor.zeros([1, 2, 5, 1])
        XCTAssertThrowsError(try avgPool2d(x, poolSize: (3, 3))) { error in
            XCTAssertTrue("\(error)".contains("(3, 3)") && "\(error)".contains("(1, 2, 5, 1)"), "\(error)")
        }
        // "same" pads instead.
        XCTAssertEqual(try avgPool2d(x, poolSize: (3, 3), padding: .same).shape, [1, 1, 2, 1])
    }

    func testPaddingAsWideAsTheWindowThrows() throws {
        let x = try Tensor.zeros([1, 4, 4, 1])
        XCTAssertThrowsError(try maxPool2d(x, poolSize: (2, 2), padding: .explicit(top: 2, bottom: 0, left: 0, right: 0)))
    }

    func testNoGradModeKeepsNoIndices() throws {
        let x = Variable(try Tensor.ones([1, 2, 2, 1]), requiresGrad: true)
        let y = try withoutGradients { try maxPool2d(x, poolSize: (2, 2)) }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertEqual(y.value.scalars, [1])
    }
}

import XCTest
@testable import PlexusTensor

final class ReduceTests: XCTestCase {
    /// 0, 1, ..., n-1 with the given shape.
    private func iota(_ shape: [Int]) throws -> Tensor {
        try Tensor.arange(shapeElementCount(shape)).reshaped(to: shape)
    }

    /// A reference sum over `axis` in Double with plain subscripts (rank 2).
    private func naiveSum(_ t: Tensor, axis: Int) -> [Float] {
        let (r, c) = (t.shape[0], t.shape[1])
        let v = t.scalars
        if axis == 0 {
            return (0..<c).map { j in Float((0..<r).reduce(0.0) { $0 + Double(v[$1 * c + j]) }) }
        }
        return (0..<r).map { i in Float((0..<c).reduce(0.0) { $0 + Double(v[i * c + $1]) }) }
    }

    func testSumOverEachAxisOfMatrixByHand() throws {
        let m = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try m.sum(axes: [0]).scalars, [5, 7, 9])
        XCTAssertEqual(try m.sum(axes: [1]).scalars, [6, 15])
        XCTAssertEqual(try m.sum(axes: [1]).shape, [2])
    }

    func testKeepDimsKeepsReducedAxesAsOnes() throws {
        let x = try iota([2, 3, 4])
        XCTAssertEqual(try x.sum(axes: [-1], keepDims: true).shape, [2, 3, 1])
        XCTAssertEqual(try x.mean(axes: [0, 2], keepDims: true).shape, [1, 3, 1])
        XCTAssertEqual(try x.max(axes: [1], keepDims: false).shape, [2, 4])
    }

    func testSumOverNonAdjacentAxes() throws {
        // numpy: np.arange(24.).reshape(2, 3, 4).sum(axis=(0, 2)) = [60, 92, 124]
        XCTAssertEqual(try iota([2, 3, 4]).sum(axes: [0, 2]).scalars, [60, 92, 124])
    }

    func testMeanOverMiddleAxisByHand() throws {
        // numpy: np.arange(24.).reshape(2, 3, 4).mean(axis=1).ravel()
        XCTAssertEqual(try iota([2, 3, 4]).mean(axes: [1]).scalars, [4, 5, 6, 7, 16, 17, 18, 19])
    }

    func testMaxOverMiddleAxisByHand() throws {
        // numpy: np.arange(24.).reshape(2, 3, 4).max(axis=1).ravel()
        XCTAssertEqual(try iota([2, 3, 4]).max(axes: [1]).scalars, [8, 9, 10, 11, 20, 21, 22, 23])
    }

    func testNilAndEmptyAxesReduceEverything() throws {
        let x = try iota([3, 4])
        XCTAssertEqual(try x.sum(axes: nil).shape, [])
        XCTAssertEqual(try x.sum(axes: []).scalars, [66])
        XCTAssertEqual(x.sum().scalars, [66])
        XCTAssertEqual(x.mean().scalars, [5.5])
        XCTAssertEqual(try x.max().scalars, [11])
    }

    func testMillionElementMeanIsAccurate() throws {
        // A running Float32 sum of a million 0.1s drifts to about 100958 (1% off); Double does not.
        let x = try Tensor.full([1_000, 1_000], 0.1)
        XCTAssertEqual(x.mean().scalarValue ?? 0, 0.1, accuracy: 1e-7)
        XCTAssertEqual(try x.mean(axes: [0, 1]).scalarValue ?? 0, 0.1, accuracy: 1e-7)
        XCTAssertEqual(x.sum().scalarValue ?? 0, 100_000, accuracy: 0.01)
    }

    func testSplitAcrossCoresOverReducedOuterAxisMatchesReference() throws {
        // 512 x 300 = 153,600 elements: the sum over axis 0 takes the private-partials path.
        var gen = RandomGenerator(seed: 11)
        let x = try Tensor.normal([512, 300], using: &gen)
        let got = try x.sum(axes: [0]).scalars, want = naiveSum(x, axis: 0)
        for (g, w) in zip(got, want) { XCTAssertEqual(g, w, accuracy: 1e-4) }
    }

    func testSplitAcrossCoresOverKeptOuterAxisMatchesReference() throws {
        var gen = RandomGenerator(seed: 12)
        let x = try Tensor.normal([300, 512], using: &gen)
        let got = try x.sum(axes: [1]).scalars, want = naiveSum(x, axis: 1)
        for (g, w) in zip(got, want) { XCTAssertEqual(g, w, accuracy: 1e-4) }
    }

    func testSizeOneAxesAreReducedToo() throws {
        let x = try iota([2, 1, 3])
        XCTAssertEqual(try x.sum(axes: [1]).shape, [2, 3])
        XCTAssertEqual(try x.sum(axes: [1]).scalars, x.scalars)
        XCTAssertEqual(try x.sum(axes: [0, 1]).scalars, [3, 5, 7])
    }

    func testMaxPropagatesNaN() throws {
        let x = try Tensor(shape: [2, 3], values: [1, .nan, 3, 4, 5, 6])
        let m = try x.max(axes: [1]).scalars
        XCTAssertTrue(m[0].isNaN)
        XCTAssertEqual(m[1], 6)
    }

    func testSumOfEmptyRunIsZeroAndMaxOfEmptyRunThrows() throws {
        let x = try Tensor.zeros([3, 0])
        XCTAssertEqual(try x.sum(axes: [1]).scalars, [0, 0, 0])
        XCTAssertThrowsError(try x.max(axes: [1]))
        XCTAssertEqual(try x.max(axes: [0]).shape, [0])
    }

    func testAxisNamedTwiceIsAnError() throws {
        XCTAssertThrowsError(try iota([2, 3, 4]).sum(axes: [1, -2])) { error in
            XCTAssertTrue("\(error)".contains("(2, 3, 4)"), "\(error)")
        }
    }

    func testAxisOutOfRangeNamesTheShape() throws {
        XCTAssertThrowsError(try Variable(try iota([2, 3])).mean(axes: [2])) { error in
            XCTAssertTrue("\(error)".contains("axis 2") && "\(error)".contains("(2, 3)"), "\(error)")
        }
    }

    func testSumOverAxesGradient() throws {
        var gen = RandomGenerator(seed: 21)
        let x = try Tensor.normal([2, 3, 4], using: &gen)
        for (axes, keep) in [([0, 2], false), ([1], true), ([-1], false), ([0], false)] {
            let r = try gradcheck([x]) { v in try v[0].sum(axes: axes, keepDims: keep) }
            XCTAssertTrue(r.passed, "axes \(axes): \(r)")
        }
    }

    func testMeanOverAxesGradient() throws {
        var gen = RandomGenerator(seed: 22)
        let x = try Tensor.normal([3, 4, 2], using: &gen)
        for (axes, keep) in [([1], true), ([0, 2], false), ([2], false)] {
            let r = try gradcheck([x]) { v in try v[0].mean(axes: axes, keepDims: keep) }
            XCTAssertTrue(r.passed, "axes \(axes): \(r)")
        }
    }

    func testMaxGradientGoesToArgmax() throws {
        // Distinct values 0.1 apart, shuffled: the finite-difference step never changes the winner.
        let values: [Float] = [7, 2, 11, 0, 9, 4, 13, 1, 5, 14, 3, 8, 12, 6, 10].map { $0 / 10 }
        let x = try Tensor(shape: [3, 5], values: values)
        for axes in [[0], [1], [-1]] {
            let r = try gradcheck([x]) { v in try v[0].max(axes: axes) }
            XCTAssertTrue(r.passed, "axes \(axes): \(r)")
        }
    }

    func testMaxTieSendsWholeGradientToFirst() throws {
        let x = Variable(try Tensor(shape: [2, 3], values: [3, 1, 3, 2, 5, 5]), requiresGrad: true)
        let g = try gradients(of: try x.max(axes: [1]).sum(), withRespectTo: [x])
        XCTAssertEqual(g[0].scalars, [1, 0, 0, 0, 1, 0])
    }

    func testSumAndMeanOfEverythingGradients() throws {
        let x = Variable(try iota([2, 2]), requiresGrad: true)
        XCTAssertEqual(try gradients(of: x.sum(), withRespectTo: [x])[0].scalars, [1, 1, 1, 1])
        XCTAssertEqual(try gradients(of: x.mean(), withRespectTo: [x])[0].scalars, [0.25, 0.25, 0.25, 0.25])
    }

    func testSumOfSquaresAccumulatesInDouble() throws {
        // 1e8 + 1 squared pieces: Float32 would lose the ones.
        let t = try Tensor(shape: [3], values: [10_000, 1, -1])
        XCTAssertEqual(t.sumOfSquares(), 100_000_002)
    }

    func testFirstNonFiniteNamesTheFirstBadElement() throws {
        XCTAssertNil(try Tensor(shape: [2], values: [1, -2]).firstNonFinite)
        let bad = try XCTUnwrap(try Tensor(shape: [4], values: [1, .infinity, .nan, 2]).firstNonFinite)
        XCTAssertEqual(bad.index, 1)
        XCTAssertEqual(bad.value, .infinity)
    }
}

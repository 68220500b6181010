import XCTest
@testable import PlexusTensor

final class ShapeOpsTests: XCTestCase {
    private func iota(_ shape: [Int]) throws -> Tensor {
        try Tensor.arange(shapeElementCount(shape)).reshaped(to: shape)
    }

    /// A reference permute with an index loop: element at output multi-index i is the input's
    /// element at the index with i[k] placed in dimension perm[k].
    private func naivePermute(_ t: Tensor, _ perm: [Int]) -> [Float] {
        let outShape = perm.map { t.shape[$0] }
        let inStrides = contiguousStrides(t.shape)
        let v = t.scalars
        var out: [Float] = []
        out.reserveCapacity(v.count)
        var index = [Int](repeating: 0, count: outShape.count)
        for _ in 0..<v.count {
            var src = 0
            for k in 0..<perm.count { src += index[k] * inStrides[perm[k]] }
            out.append(v[src])
            var d = outShape.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < outShape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return out
    }

    // MARK: reshape

    func testReshapeInfersMinusOneWithoutCopying() throws {
        let x = Variable(try iota([2, 3, 4]))
        let y = try x.reshape([4, -1])
        XCTAssertEqual(y.shape, [4, 6])
        XCTAssertTrue(y.value.sharesStorage(with: x.value))
    }

    func testReshapeToWrongCountNamesBothShapes() throws {
        XCTAssertThrowsError(try Variable(try iota([2, 3])).reshape([4, 2])) { error in
            XCTAssertTrue("\(error)".contains("(2, 3)") && "\(error)".contains("(4, 2)"), "\(error)")
        }
    }

    func testReshapeGradient() throws {
        var gen = RandomGenerator(seed: 1)
        let r = try gradcheck([try Tensor.normal([2, 6], using: &gen)]) { v in try v[0].reshape([3, 2, 2]) }
        XCTAssertTrue(r.passed, "\(r)")
    }

    // MARK: transpose and permute

    func testTransposeByHand() throws {
        let t = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]).transposed()
        XCTAssertEqual(t.shape, [3, 2])
        XCTAssertEqual(t.scalars, [1, 4, 2, 5, 3, 6])
    }

    func testTransposeNeedsRankTwo() throws {
        XCTAssertThrowsError(try Variable(try iota([2, 3, 4])).transpose()) { error in
            XCTAssertTrue("\(error)".contains("(2, 3, 4)"), "\(error)")
        }
    }

    func testPermuteNHWCToNCHWMatchesIndexLoop() throws {
        let x = try iota([2, 5, 7, 3])
        let y = try x.permuted([0, 3, 1, 2])
        XCTAssertEqual(y.shape, [2, 3, 5, 7])
        XCTAssertEqual(y.scalars, naivePermute(x, [0, 3, 1, 2]))
    }

    func testPermuteAcrossSeveralTilesMatchesIndexLoop() throws {
        // 40 x 40 positions by 35 channels: both transposed dimensions exceed one 32-wide tile.
        let x = try iota([1, 40, 40, 35])
        XCTAssertEqual(try x.permuted([0, 3, 1, 2]).scalars, naivePermute(x, [0, 3, 1, 2]))
        let back = try iota([1, 35, 40, 40])
        XCTAssertEqual(try back.permuted([0, 2, 3, 1]).scalars, naivePermute(back, [0, 2, 3, 1]))
    }

    func testPermuteKeepingInnerAxisCopiesRows() throws {
        let x = try iota([3, 4, 5])
        XCTAssertEqual(try x.permuted([1, 0, 2]).scalars, naivePermute(x, [1, 0, 2]))
    }

    func testPermuteWithNoMergeableAxesMatchesIndexLoop() throws {
        let x = try iota([2, 3, 4, 5])
        for perm in [[2, 0, 3, 1], [3, 2, 1, 0], [1, 3, 0, 2]] {
            XCTAssertEqual(try x.permuted(perm).scalars, naivePermute(x, perm), "\(perm)")
        }
    }

    func testPermuteMovingOnlySizeOneAxesSharesStorage() throws {
        let x = try iota([3, 1, 4])
        let y = try x.permuted([1, 0, 2])
        XCTAssertEqual(y.shape, [1, 3, 4])
        XCTAssertTrue(y.sharesStorage(with: x))
    }

    func testPermuteAcceptsNegativeAxesAndRejectsRepeats() throws {
        let x = try iota([2, 3, 4])
        XCTAssertEqual(try x.permuted([-1, 0, 1]).shape, [4, 2, 3])
        XCTAssertThrowsError(try x.permuted([0, 0, 1])) { error in
            XCTAssertTrue("\(error)".contains("(2, 3, 4)"), "\(error)")
        }
        XCTAssertThrowsError(try x.permuted([0, 1]))
    }

    func testPermuteGradient() throws {
        var gen = RandomGenerator(seed: 2)
        let x = try Tensor.normal([2, 3, 4], using: &gen)
        for perm in [[2, 0, 1], [0, 2, 1], [1, 2, 0]] {
            let r = try gradcheck([x]) { v in try v[0].permute(perm) }
            XCTAssertTrue(r.passed, "\(perm): \(r)")
        }
        let m = try Tensor.normal([3, 5], using: &gen)
        let r = try gradcheck([m]) { v in try v[0].transpose() }
        XCTAssertTrue(r.passed, "\(r)")
    }

    // MARK: concat

    func testConcatAlongLastAxisByHand() throws {
        let a = try Tensor(shape: [2, 1], values: [1, 2])
        let b = try Tensor(shape: [2, 2], values: [3, 4, 5, 6])
        let c = try concat([Variable(a), Variable(b)], axis: -1)
        XCTAssertEqual(c.shape, [2, 3])
        XCTAssertEqual(c.value.scalars, [1, 3, 4, 2, 5, 6])
    }

    func testConcatErrorNamesEveryShape() throws {
        let xs = [try Tensor.zeros([2, 3]), try Tensor.zeros([2, 4]), try Tensor.zeros([3, 4])]
        XCTAssertThrowsError(try concat(xs.map { Variable($0) }, axis: 1)) { error in
            let s = "\(error)"
            XCTAssertTrue(s.contains("(2, 3)") && s.contains("(2, 4)") && s.contains("(3, 4)"), s)
        }
    }

    func testConcatGradientSplitsBack() throws {
        var gen = RandomGenerator(seed: 3)
        let xs = try [[2, 1, 3], [2, 4, 3], [2, 2, 3]].map { try Tensor.normal($0, using: &gen) }
        let r = try gradcheck(xs) { v in try concat(v, axis: 1) }
        XCTAssertTrue(r.passed, "\(r)")
    }

    // MARK: slice and split

    func testSliceByHand() throws {
        let x = try iota([3, 4])
        XCTAssertEqual(try x.sliced(starts: [1, 1], sizes: [2, 2]).scalars, [5, 6, 9, 10])
        XCTAssertEqual(try x.sliced(starts: [0, 2], sizes: [-1, -1]).scalars, [2, 3, 6, 7, 10, 11])
        XCTAssertEqual(try x.sliced(axis: 0, 2..<3).scalars, [8, 9, 10, 11])
    }

    func testSliceOutsideTheTensorNamesTheShape() throws {
        XCTAssertThrowsError(try Variable(try iota([3, 4])).slice(axis: 1, 2..<5)) { error in
            XCTAssertTrue("\(error)".contains("(3, 4)"), "\(error)")
        }
        XCTAssertThrowsError(try iota([3, 4]).sliced(starts: [0, 0], sizes: [4, 1]))
    }

    func testHugeSliceAndPadSizesAreErrorsNotOverflows() throws {
        let x = try iota([3, 4])
        XCTAssertThrowsError(try x.sliced(starts: [1, 0], sizes: [Int.max, 1]))
        XCTAssertThrowsError(try x.sliced(starts: [Int.max, 0], sizes: [-1, 1]))
        XCTAssertThrowsError(try x.split(axis: 0, sizes: [Int.max, Int.max]))
        XCTAssertThrowsError(try x.padded([(Int.max, Int.max), (0, 0)]))
    }

    func testSliceGradient() throws {
        var gen = RandomGenerator(seed: 4)
        let x = try Tensor.normal([3, 4, 5], using: &gen)
        let r = try gradcheck([x]) { v in try v[0].slice(starts: [1, 0, 2], sizes: [2, 3, -1]) }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testSplitWithMinusOneTakesTheRest() throws {
        let parts = try iota([2, 5]).split(axis: 1, sizes: [1, -1, 2])
        XCTAssertEqual(parts.map(\.shape), [[2, 1], [2, 2], [2, 2]])
        XCTAssertEqual(parts[1].scalars, [1, 2, 6, 7])
    }

    func testSplitSizesMustAddUp() throws {
        XCTAssertThrowsError(try Variable(try iota([2, 5])).split(axis: 1, sizes: [2, 2])) { error in
            XCTAssertTrue("\(error)".contains("(2, 5)"), "\(error)")
        }
    }

    func testSplitGradientReachesEachPiece() throws {
        var gen = RandomGenerator(seed: 5)
        let x = try Tensor.normal([4, 3], using: &gen)
        // Reassembled in another order, so a piece's gradient landing in the wrong place shows.
        let r = try gradcheck([x]) { v in
            let p = try v[0].split(axis: 0, sizes: [1, 2, 1])
            return try concat([p[2], p[0], p[1]], axis: 0)
        }
        XCTAssertTrue(r.passed, "\(r)")
    }

    func testUnusedSplitPieceGetsZeroGradient() throws {
        let x = Variable(try iota([4]), requiresGrad: true)
        let p = try x.split(axis: 0, sizes: [3, 1])
        XCTAssertEqual(try gradients(of: p[0].sum(), withRespectTo: [x])[0].scalars, [1, 1, 1, 0])
    }

    // MARK: pad

    func testPadByHand() throws {
        let x = try Tensor(shape: [1, 2], values: [1, 2])
        let y = try x.padded([(1, 0), (1, 2)], value: -1)
        XCTAssertEqual(y.shape, [2, 5])
        XCTAssertEqual(y.scalars, [-1, -1, -1, -1, -1, -1, 1, 2, -1, -1])
    }

    func testNegativePaddingIsAnError() throws {
        XCTAssertThrowsError(try Variable(try iota([2, 2])).pad([(0, 0), (-1, 0)])) { error in
            XCTAssertTrue("\(error)".contains("(2, 2)"), "\(error)")
        }
        XCTAssertThrowsError(try iota([2, 2]).padded([(1, 1)]))
    }

    func testPadGradient() throws {
        var gen = RandomGenerator(seed: 6)
        let x = try Tensor.normal([2, 3, 2], using: &gen)
        let r = try gradcheck([x]) { v in try v[0].pad([(0, 1), (2, 1), (1, 0)], value: 3) }
        XCTAssertTrue(r.passed, "\(r)")
    }
}

import XCTest
@testable import PlexusTensor

private func random(_ shape: [Int], seed: UInt64) throws -> Tensor {
    var gen = RandomGenerator(seed: seed)
    return try Tensor.normal(shape, using: &gen)
}

/// Matrix `i` (row-major, of `rows x cols`) of a batch stored as one tensor.
private func matrix(_ t: Tensor, _ i: Int, _ rows: Int, _ cols: Int) throws -> Tensor {
    try Tensor(shape: [rows, cols], values: Array(t.scalars[(i * rows * cols)..<((i + 1) * rows * cols)]))
}

/// `matmul` on values follows NumPy's rules beyond ranks 2 and 3, as the symbolic `matmul` and
/// its help always said: 1-D operands as row and column vectors, batch dimensions broadcast.
final class MatmulNumPyTests: XCTestCase {
    func testVectorOnTheLeftIsARowAndItsAxisIsDropped() throws {
        // [1, 2] x [[1, 2], [3, 4]] = [7, 10]
        let c = try matmul(Tensor(shape: [2], values: [1, 2]), Tensor(shape: [2, 2], values: [1, 2, 3, 4]))
        XCTAssertEqual(c.shape, [2])
        XCTAssertEqual(c.scalars, [7, 10])
    }

    func testVectorOnTheRightIsAColumnAndItsAxisIsDropped() throws {
        // [[1, 2], [3, 4]] x [1, 2] = [5, 11]
        let c = try matmul(Tensor(shape: [2, 2], values: [1, 2, 3, 4]), Tensor(shape: [2], values: [1, 2]))
        XCTAssertEqual(c.shape, [2])
        XCTAssertEqual(c.scalars, [5, 11])
    }

    func testTwoVectorsGiveTheirDotProductAsAScalar() throws {
        let c = try matmul(Tensor(shape: [3], values: [1, 2, 3]), Tensor(shape: [3], values: [4, 5, 6]))
        XCTAssertEqual(c.shape, [])
        XCTAssertEqual(c.scalars, [32])
    }

    func testVectorTimesABatchIsABatchOfRows() throws {
        let v = try random([4], seed: 1), b = try random([3, 4, 2], seed: 2)
        let c = try matmul(v, b)
        XCTAssertEqual(c.shape, [3, 2])
        for i in 0..<3 {
            XCTAssertEqual(Array(c.scalars[(i * 2)..<(i * 2 + 2)]), try matmul(v.reshaped(to: [1, 4]), matrix(b, i, 4, 2)).scalars)
        }
    }

    func testBatchDimensionsBroadcastBothWays() throws {
        // (2, 1, 3, 4) x (5, 4, 2) -> (2, 5, 3, 2): a's batch repeats over 5, b's over 2.
        let a = try random([2, 1, 3, 4], seed: 3), b = try random([5, 4, 2], seed: 4)
        let c = try matmul(a, b)
        XCTAssertEqual(c.shape, [2, 5, 3, 2])
        for i in 0..<2 {
            for j in 0..<5 {
                let expected = try matmul(matrix(a, i, 3, 4), matrix(b, j, 4, 2))
                XCTAssertEqual(try matrix(c, i * 5 + j, 3, 2).scalars, expected.scalars, "batch (\(i), \(j))")
            }
        }
    }

    func testBatchOfOneMatrixBroadcastsLikeAMatrix() throws {
        let a = try random([1, 3, 4], seed: 5), b = try random([6, 4, 2], seed: 6)
        XCTAssertEqual(try matmul(a, b).scalars, try matmul(a.reshaped(to: [3, 4]), b).scalars)
        XCTAssertEqual(try matmul(a, b).shape, [6, 3, 2])
    }

    func testHigherRankBatchesOfOneShapeMultiplyPairwise() throws {
        let a = try random([2, 3, 2, 4], seed: 7), b = try random([2, 3, 4, 5], seed: 8)
        let c = try matmul(a, b)
        XCTAssertEqual(c.shape, [2, 3, 2, 5])
        XCTAssertEqual(c.scalars, try matmul(a.reshaped(to: [6, 2, 4]), b.reshaped(to: [6, 4, 5])).scalars)
    }

    func testBatchesThatDoNotBroadcastAreNamedWithBothShapes() throws {
        XCTAssertThrowsError(try matmul(Tensor.zeros([2, 3, 4]), Tensor.zeros([3, 4, 5]))) { error in
            XCTAssertEqual("\(error)", "matmul: (2, 3, 4) and (3, 4, 5) cannot be multiplied: batch sizes 2 and 3 do not broadcast")
        }
    }

    func testVectorWhoseLengthIsNotTheInnerDimensionIsAnError() throws {
        XCTAssertThrowsError(try matmul(Tensor.zeros([3]), Tensor.zeros([4, 2]))) { error in
            XCTAssertEqual("\(error)", "matmul: (3,) and (4, 2) cannot be multiplied: inner dimensions 3 and 4 differ")
        }
    }

    // MARK: gradients of the new cases

    func testVectorOperandGradients() throws {
        let r1 = try gradcheck([try random([3], seed: 10), try random([3, 4], seed: 11)]) { v in try matmul(v[0], v[1]) }
        XCTAssertTrue(r1.passed, "vector x matrix: \(r1)")
        let r2 = try gradcheck([try random([2, 3, 4], seed: 12), try random([4], seed: 13)]) { v in try matmul(v[0], v[1]) }
        XCTAssertTrue(r2.passed, "batch x vector: \(r2)")
        let r3 = try gradcheck([try random([5], seed: 14), try random([5], seed: 15)]) { v in try matmul(v[0], v[1]) }
        XCTAssertTrue(r3.passed, "vector x vector: \(r3)")
    }

    func testBroadcastBatchGradientsSumOverTheRepeats() throws {
        for tA in [false, true] {
            for tB in [false, true] {
                let a = try random(tA ? [2, 1, 4, 3] : [2, 1, 3, 4], seed: 20)
                let b = try random(tB ? [5, 2, 4] : [5, 4, 2], seed: 21)
                let r = try gradcheck([a, b]) { v in try matmul(v[0], v[1], transposeA: tA, transposeB: tB) }
                XCTAssertTrue(r.passed, "(2, 1, 3, 4) x (5, 4, 2), transposeA \(tA) transposeB \(tB): \(r)")
            }
        }
    }

    func testBroadcastToRepeatsAndItsGradientSumsBack() throws {
        let x = try Tensor(shape: [2, 1], values: [1, 2])
        let y = try x.broadcasted(to: [3, 2, 2])
        XCTAssertEqual(y.scalars, [1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2])
        XCTAssertThrowsError(try x.broadcasted(to: [3, 2])) { error in
            XCTAssertEqual("\(error)", "broadcast_to: cannot broadcast (2, 1) to (3, 2)")
        }
        let r = try gradcheck([try random([3, 1, 2], seed: 30)]) { v in try v[0].broadcast(to: [2, 3, 4, 2]) }
        XCTAssertTrue(r.passed, "\(r)")
    }
}

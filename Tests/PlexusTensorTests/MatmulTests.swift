import XCTest
@testable import PlexusTensor

private func random(_ shape: [Int], seed: UInt64) throws -> Tensor {
    var gen = RandomGenerator(seed: seed)
    return try Tensor.normal(shape, using: &gen)
}

/// The shape an operand is stored in when it enters the product transposed.
private func stored(_ rows: Int, _ cols: Int, batch: Int?, transposed: Bool) -> [Int] {
    let m = transposed ? [cols, rows] : [rows, cols]
    return batch.map { [$0] + m } ?? m
}

final class MatmulTests: XCTestCase {
    // [[1,2,3],[4,5,6]] x [[7,8],[9,10],[11,12]], multiplied out by hand.
    private let handA: [Float] = [1, 2, 3, 4, 5, 6]
    private let handB: [Float] = [7, 8, 9, 10, 11, 12]
    private let handProduct: [Float] = [58, 64, 139, 154]

    func testProductMatchesHandValues() throws {
        let c = try matmul(Tensor(shape: [2, 3], values: handA), Tensor(shape: [3, 2], values: handB))
        XCTAssertEqual(c.shape, [2, 2])
        XCTAssertEqual(c.scalars, handProduct)
    }

    func testTransposeFlagsReadOperandsTransposed() throws {
        let aT = try Tensor(shape: [3, 2], values: [1, 4, 2, 5, 3, 6])
        let bT = try Tensor(shape: [2, 3], values: [7, 9, 11, 8, 10, 12])
        let a = try Tensor(shape: [2, 3], values: handA), b = try Tensor(shape: [3, 2], values: handB)
        XCTAssertEqual(try matmul(aT, b, transposeA: true).scalars, handProduct)
        XCTAssertEqual(try matmul(a, bT, transposeB: true).scalars, handProduct)
        XCTAssertEqual(try matmul(aT, bT, transposeA: true, transposeB: true).scalars, handProduct)
    }

    func testBatchedProductMultipliesMatchingBatchElements() throws {
        let a = try random([3, 2, 4], seed: 1), b = try random([3, 4, 5], seed: 2)
        let c = try matmul(a, b)
        XCTAssertEqual(c.shape, [3, 2, 5])
        for i in 0..<3 {
            let ai = try Tensor(shape: [2, 4], values: Array(a.scalars[(i * 8)..<(i * 8 + 8)]))
            let bi = try Tensor(shape: [4, 5], values: Array(b.scalars[(i * 20)..<(i * 20 + 20)]))
            XCTAssertEqual(Array(c.scalars[(i * 10)..<(i * 10 + 10)]), try matmul(ai, bi).scalars)
        }
    }

    func testMatrixBroadcastsOverBatch() throws {
        let a = try random([3, 2, 4], seed: 3), b = try random([4, 5], seed: 4)
        let folded = try matmul(a.reshaped(to: [6, 4]), b)
        let c = try matmul(a, b)
        XCTAssertEqual(c.shape, [3, 2, 5])
        XCTAssertEqual(c.scalars, folded.scalars)
        let left = try matmul(b, random([3, 5, 2], seed: 5))
        XCTAssertEqual(left.shape, [3, 4, 2])
    }

    func testGradientsForAllTransposeFlags() throws {
        let (m, k, n) = (2, 3, 4)
        for tA in [false, true] {
            for tB in [false, true] {
                let a = try random(stored(m, k, batch: nil, transposed: tA), seed: 10)
                let b = try random(stored(k, n, batch: nil, transposed: tB), seed: 11)
                let r = try gradcheck([a, b]) { v in try matmul(v[0], v[1], transposeA: tA, transposeB: tB) }
                XCTAssertTrue(r.passed, "transposeA \(tA) transposeB \(tB): \(r)")
            }
        }
    }

    func testBatchedGradientsForAllTransposeFlags() throws {
        let (m, k, n) = (3, 2, 4)
        for tA in [false, true] {
            for tB in [false, true] {
                let a = try random(stored(m, k, batch: 2, transposed: tA), seed: 20)
                let b = try random(stored(k, n, batch: 2, transposed: tB), seed: 21)
                let r = try gradcheck([a, b]) { v in try matmul(v[0], v[1], transposeA: tA, transposeB: tB) }
                XCTAssertTrue(r.passed, "transposeA \(tA) transposeB \(tB): \(r)")
            }
        }
    }

    func testBroadcastMatrixGradientsSumOverTheBatch() throws {
        let (m, k, n) = (3, 2, 4)
        for tA in [false, true] {
            for tB in [false, true] {
                let a = try random(stored(m, k, batch: 3, transposed: tA), seed: 30)
                let b = try random(stored(k, n, batch: nil, transposed: tB), seed: 31)
                let r = try gradcheck([a, b]) { v in try matmul(v[0], v[1], transposeA: tA, transposeB: tB) }
                XCTAssertTrue(r.passed, "batch x matrix, transposeA \(tA) transposeB \(tB): \(r)")
                let a2 = try random(stored(m, k, batch: nil, transposed: tA), seed: 32)
                let b2 = try random(stored(k, n, batch: 3, transposed: tB), seed: 33)
                let r2 = try gradcheck([a2, b2]) { v in try matmul(v[0], v[1], transposeA: tA, transposeB: tB) }
                XCTAssertTrue(r2.passed, "matrix x batch, transposeA \(tA) transposeB \(tB): \(r2)")
            }
        }
    }

    func testInnerDimensionMismatchNamesBothShapesAndDims() throws {
        let a = try Tensor.zeros([2, 3]), b = try Tensor.zeros([4, 5])
        XCTAssertThrowsError(try matmul(a, b)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("(2, 3)") && text.contains("(4, 5)") && text.contains("3 and 4"), text)
        }
    }

    func testBatchSizeMismatchIsAnError() throws {
        XCTAssertThrowsError(try matmul(Tensor.zeros([2, 3, 4]), Tensor.zeros([3, 4, 5]))) { error in
            XCTAssertTrue("\(error)".contains("batch sizes 2 and 3"), "\(error)")
        }
    }

    func testScalarOperandIsAnError() throws {
        XCTAssertThrowsError(try matmul(Tensor.zeros([]), Tensor.zeros([3, 2]))) { error in
            XCTAssertEqual("\(error)", "matmul: () and (3, 2) cannot be multiplied: matmul operands must have rank 1 or more")
        }
    }

    func testEmptyInnerDimensionGivesZeros() throws {
        var a = try Tensor.zeros([2, 0]), b = try Tensor.zeros([0, 3])
        a = try a.reshaped(to: [2, 0]); b = try b.reshaped(to: [0, 3])
        XCTAssertEqual(try matmul(a, b).scalars, [Float](repeating: 0, count: 6))
    }

    func testVariableProductIsRecordedOnlyWhenNeeded() throws {
        let a = Variable(try Tensor(shape: [2, 3], values: handA))
        let b = Variable(try Tensor(shape: [3, 2], values: handB), requiresGrad: true)
        let c = try matmul(a, b)
        XCTAssertTrue(c.requiresGrad)
        XCTAssertEqual(c.value.scalars, handProduct)
        // d(sum(a b))/db[i, j] = sum_r a[r, i]: column sums of a, by hand 5, 7, 9.
        let g = try gradients(of: try sumAll(c), withRespectTo: [b])
        XCTAssertEqual(g[0].scalars, [5, 5, 7, 7, 9, 9])
    }
}

extension MatmulTests {
    /// A one-row product runs as a matrix-vector product (`sgemv`): every transposition of the two
    /// operands, a batch of one-row products and a broadcast kernel, against sums in Double.
    func testOneRowProductsMatchTheDefinitionInEveryTransposition() throws {
        let (k, n) = (37, 23)
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            for batch in [nil, 3] as [Int?] {
                let a = try random(stored(1, k, batch: batch, transposed: transposeA), seed: 41)
                let b = try random(stored(k, n, batch: batch, transposed: transposeB), seed: 42)
                let c = try matmul(a, b, transposeA: transposeA, transposeB: transposeB)
                XCTAssertEqual(c.shape, (batch.map { [$0] } ?? []) + [1, n])
                let av = a.scalars, bv = b.scalars, cv = c.scalars
                for s in 0..<(batch ?? 1) {
                    for j in 0..<n {
                        var sum = 0.0
                        for i in 0..<k {
                            let x = av[s * k + i]  // one row or one column: the same k floats either way
                            let y = transposeB ? bv[s * n * k + j * k + i] : bv[s * k * n + i * n + j]
                            sum += Double(x) * Double(y)
                        }
                        XCTAssertEqual(Double(cv[s * n + j]), sum, accuracy: 1e-4,
                                       "transposeA \(transposeA) transposeB \(transposeB) batch \(String(describing: batch)) [\(s), \(j)]")
                    }
                }
            }
        }
        // A transposed row read out of a wider matrix: column 1 of a k x 3 matrix, every third float.
        let wide = try random([k, 3], seed: 45).scalars, right = try random([k, n], seed: 46).scalars
        var out = [Float](repeating: .nan, count: n)
        wide.withUnsafeBufferPointer { ap in right.withUnsafeBufferPointer { bp in out.withUnsafeMutableBufferPointer { cp in
            sgemm(transA: true, transB: false, m: 1, n: n, k: k, a: ap.baseAddress! + 1, lda: 3, b: bp.baseAddress!, ldb: n,
                  beta: 0, c: cp.baseAddress!, ldc: n)
        } } }
        for j in 0..<n {
            let sum = (0..<k).reduce(0.0) { $0 + Double(wide[$1 * 3 + 1]) * Double(right[$1 * n + j]) }
            XCTAssertEqual(Double(out[j]), sum, accuracy: 1e-4, "strided row, column \(j)")
        }
        let shared = try random([k, n], seed: 43), rows = try random([4, 1, k], seed: 44)
        let c = try matmul(rows, shared)
        for s in 0..<4 {
            let one = try matmul(try rows.sliced(starts: [s, 0, 0], sizes: [1, 1, k]).reshaped(to: [1, k]), shared)
            // (Equal up to rounding: the four rows are one GEMM, each single row a matrix-vector product.)
            for (x, y) in zip(c.scalars[(s * n)..<((s + 1) * n)], one.scalars) {
                XCTAssertEqual(x, y, accuracy: 1e-4, "a broadcast kernel, row \(s)")
            }
        }
    }
}

import CBLAS

// Matrix products. Every product in Plexus, convolutions included, ends in `sgemm` below: one call
// into OpenBLAS, which blocks for the caches and threads across the cores by itself.

/// The largest dimension or leading dimension OpenBLAS accepts (its `blasint` is 32-bit here).
let blasIndexLimit = Int(Int32.max)

/// `C = op(A) op(B) + beta * C` for row-major matrices, through OpenBLAS's `cblas_sgemm`.
///
/// `op(A)` is `m x k` (stored `k x m` when `transA`), `op(B)` is `k x n` (stored `n x k` when
/// `transB`). An empty contraction (`k == 0`) is the empty sum: `C` becomes zero when `beta` is 0.
/// Callers have checked every size against `blasIndexLimit`.
@inline(__always)
func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
           a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
           beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        if beta == 0 {
            for i in 0..<m { (c + i &* ldc).update(repeating: 0, count: n) }
        }
        return
    }
    _ = BLASThreads.timeout  // once, before the first product
    // invariant: every size fits Int32, checked against blasIndexLimit where the shapes were validated
    assert([m, n, k, lda, ldb, ldc].allSatisfy { $0 <= Int(Int32.max) }, "a GEMM size beyond Int32")
    if m == 1 {
        // One row (a batch-1 Dense, a classifier's 1x1 convolution): a matrix-vector product.
        // sgemm would first copy the whole of B into its packed layout, then read it again, where
        // sgemv streams it once (ResNet-50's 2048 -> 1000 Dense: B is 8 MB).
        sgemv(transposed: !transB, rows: transB ? n : k, columns: transB ? k : n, matrix: b, ld: ldb,
              vector: a, stride: transA ? lda : 1, beta: beta, into: c)
        return
    }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(truncatingIfNeeded: m), Int32(truncatingIfNeeded: n), Int32(truncatingIfNeeded: k),
                1, a, Int32(truncatingIfNeeded: Swift.max(lda, 1)), b, Int32(truncatingIfNeeded: Swift.max(ldb, 1)),
                beta, c, Int32(truncatingIfNeeded: Swift.max(ldc, 1)))
}

/// `y = op(M) x + beta * y` for the row-major `rows x columns` matrix `M` (`op(M)` is `M^T` when
/// `transposed`), `x` read every `stride` floats, `y` contiguous: the one-row case of `sgemm`.
@inline(__always)
private func sgemv(transposed: Bool, rows: Int, columns: Int, matrix: UnsafePointer<Float>, ld: Int,
                   vector: UnsafePointer<Float>, stride: Int, beta: Float, into y: UnsafeMutablePointer<Float>) {
    cblas_sgemv(CblasRowMajor, transposed ? CblasTrans : CblasNoTrans,
                Int32(truncatingIfNeeded: rows), Int32(truncatingIfNeeded: columns), 1,
                matrix, Int32(truncatingIfNeeded: Swift.max(ld, 1)), vector, Int32(truncatingIfNeeded: stride),
                beta, y, 1)
}

/// The sizes of a (possibly batched) matrix product, checked once.
struct MatmulDims {
    /// Shared batch size; 1 when neither operand has one.
    var batch: Int
    var xBatched: Bool, yBatched: Bool
    /// `op(x)` is `m x k`, `op(y)` is `k x n`.
    var m: Int, n: Int, k: Int

    init(op: String, _ xs: [Int], _ ys: [Int], transposeX: Bool, transposeY: Bool) throws {
        let shapes = "\(formatShape(xs))\(transposeX ? " (transposed)" : "") and \(formatShape(ys))\(transposeY ? " (transposed)" : "")"
        guard (2...3).contains(xs.count), (2...3).contains(ys.count) else {
            throw TensorError(op, "operands must be matrices (rank 2) or batches of matrices (rank 3), got \(shapes)")
        }
        xBatched = xs.count == 3
        yBatched = ys.count == 3
        if xBatched, yBatched, xs[0] != ys[0] {
            throw TensorError(op, "batch sizes \(xs[0]) and \(ys[0]) of \(shapes) differ")
        }
        batch = xBatched ? xs[0] : (yBatched ? ys[0] : 1)
        let (xr, xc) = (xs[xs.count - 2], xs[xs.count - 1])
        let (yr, yc) = (ys[ys.count - 2], ys[ys.count - 1])
        m = transposeX ? xc : xr
        k = transposeX ? xr : xc
        let ky = transposeY ? yc : yr
        n = transposeY ? yr : yc
        guard k == ky else {
            throw TensorError(op, "cannot multiply \(shapes): inner dimensions \(k) and \(ky) differ")
        }
        guard Swift.max(m, n, k, batch &* Swift.max(m, k)) <= blasIndexLimit else {
            throw TensorError(op, "\(shapes) exceed the BLAS size limit of \(blasIndexLimit) per dimension")
        }
    }
}

/// The product `op(x) op(y)` of matrices or batches of matrices; with `keepBatch` false a batched
/// product is summed over the batch into one matrix (the gradient of a broadcast matrix operand).
///
/// Folds the batch into a single GEMM where the memory layout allows (a batch times one matrix;
/// a batch-summed `x^T y`), else one GEMM per batch element.
func gemmProduct(_ x: Tensor, transposeX tX: Bool, _ y: Tensor, transposeY tY: Bool,
                 keepBatch: Bool, op: String = "matmul") throws -> Tensor {
    let d = try MatmulDims(op: op, x.shape, y.shape, transposeX: tX, transposeY: tY)
    let batched = d.xBatched || d.yBatched
    let outBatched = batched && keepBatch
    let outShape = outBatched ? [d.batch, d.m, d.n] : [d.m, d.n]
    try checkShape(outShape, op: op)
    let out = Tensor(uninitializedShape: outShape)
    let a = x.storage.base, b = y.storage.base, c = out.storage.base
    let lda = tX ? d.m : d.k, ldb = tY ? d.k : d.n, ldc = d.n
    if !batched {
        sgemm(transA: tX, transB: tY, m: d.m, n: d.n, k: d.k, a: a, lda: lda, b: b, ldb: ldb, beta: 0, c: c, ldc: ldc)
    } else if d.xBatched, !d.yBatched, !tX, outBatched {
        // (batch, m, k) is already one (batch * m, k) matrix.
        sgemm(transA: false, transB: tY, m: d.batch &* d.m, n: d.n, k: d.k, a: a, lda: lda, b: b, ldb: ldb,
              beta: 0, c: c, ldc: ldc)
    } else if d.xBatched, d.yBatched, tX, !tY, !keepBatch {
        // sum_b x_b^T y_b: both stacks are (batch * k)-row matrices, contracted in one GEMM.
        sgemm(transA: true, transB: false, m: d.m, n: d.n, k: d.batch &* d.k, a: a, lda: lda, b: b, ldb: ldb,
              beta: 0, c: c, ldc: ldc)
    } else {
        let xs = d.xBatched ? d.m &* d.k : 0, ys = d.yBatched ? d.k &* d.n : 0
        let cs = outBatched ? d.m &* d.n : 0
        if !outBatched { c.update(repeating: 0, count: out.count) }
        for i in 0..<d.batch {
            sgemm(transA: tX, transB: tY, m: d.m, n: d.n, k: d.k, a: a + i &* xs, lda: lda, b: b + i &* ys, ldb: ldb,
                  beta: outBatched ? 0 : 1, c: c + i &* cs, ldc: ldc)
        }
    }
    return out
}

/// How NumPy's `matmul` of two shapes runs on the rank-2/3 GEMM kernel (`gemmProduct`).
///
/// The result's shape is `ShapeRule.matmul`'s, the rule the symbolic `matmul` follows. A 1-D
/// operand is a row (left) or a column (right) matrix; the batch dimensions of both operands are
/// folded into one batch axis; an operand whose batch holds one matrix is that matrix (the kernel
/// applies it to every batch element); an operand whose batch dimensions are fewer than the
/// result's is broadcast to them first (a copy, summed back by the gradient).
struct MatmulLayout {
    /// The result's shape.
    var outShape: [Int]
    /// The shape each operand is broadcast to first, when its batch dimensions are not the result's.
    var expandA: [Int]?, expandB: [Int]?
    /// Each operand's shape as the kernel takes it: a matrix, or a batch of matrices (rank 3).
    var kernelA: [Int], kernelB: [Int]
    /// Whether the kernel transposes each operand's matrices (never a 1-D operand's).
    var transposeA: Bool, transposeB: Bool

    /// - Throws: `TensorError("matmul", ...)` naming both shapes and the `ShapeRefusal`.
    init(_ xs: [Int], _ ys: [Int], transposeA: Bool, transposeB: Bool) throws {
        self.transposeA = transposeA && xs.count >= 2
        self.transposeB = transposeB && ys.count >= 2
        func seen(_ s: [Int], _ transposed: Bool) -> [Int?] {
            (transposed ? Array(s.dropLast(2)) + [s[s.count - 1], s[s.count - 2]] : s).map { $0 }
        }
        do {
            let shape = try ShapeRule.matmul(seen(xs, self.transposeA), seen(ys, self.transposeB))
            assert(!shape.contains(nil), "known sizes in, known sizes out")  // invariant
            outShape = shape.map { $0 ?? 0 }
        } catch {
            let shapes = "\(formatShape(xs))\(self.transposeA ? " (transposed)" : "") and \(formatShape(ys))\(self.transposeB ? " (transposed)" : "")"
            throw TensorError("matmul", "\(shapes) \(error)")
        }
        let matrixA = xs.count == 1 ? [1, xs[0]] : Array(xs.suffix(2))
        let matrixB = ys.count == 1 ? [ys[0], 1] : Array(ys.suffix(2))
        var leadA = Array(xs.dropLast(2)), leadB = Array(ys.dropLast(2))
        if shapeElementCount(leadA) == 1 { leadA = [] }
        if shapeElementCount(leadB) == 1 { leadB = [] }
        let lead = leadA.isEmpty ? leadB : leadB.isEmpty ? leadA : try broadcastShapes(leadA, leadB, op: "matmul")
        let batch = shapeElementCount(lead)
        // Broadcasting only repeats: an operand holding as many matrices as the batch is laid out as it.
        expandA = leadA.isEmpty || shapeElementCount(leadA) == batch ? nil : lead + matrixA
        expandB = leadB.isEmpty || shapeElementCount(leadB) == batch ? nil : lead + matrixB
        kernelA = leadA.isEmpty ? matrixA : [batch] + matrixA
        kernelB = leadB.isEmpty ? matrixB : [batch] + matrixB
    }
}

/// The matrix product `op(a) @ op(b)` with NumPy's `matmul` rules, where `op` transposes an
/// operand's last two axes when asked.
///
/// `(..., n, k) x (..., k, m) -> (..., n, m)`: a 1-D left operand is a row vector and a 1-D right
/// operand a column vector (their axis is dropped from the result), and the batch dimensions
/// broadcast. The shapes follow `ShapeRule.matmul`, as the symbolic `matmul` does. Every product is
/// one GEMM, or one per batch element: a batch times one matrix is folded into a single GEMM, and
/// transposing is a flag to BLAS, not a copy, so `matmul(a, b, transposeB: true)` costs the same as
/// the plain product.
///
/// ```swift
/// let y = try matmul(x, w)                       // (batch, in) x (in, out) -> (batch, out)
/// let s = try matmul(q, k, transposeB: true)     // (b, t, d) x (b, t, d)^T -> (b, t, t)
/// let v = try matmul(m, x)                       // (2, 4, 3) x (3,) -> (2, 4)
/// ```
/// - Throws: `TensorError` naming both shapes when an operand is a scalar, the inner dimensions
///   differ or the batch dimensions do not broadcast.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) throws -> Tensor {
    let layout = try MatmulLayout(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
    var x = a, y = b
    if let e = layout.expandA { x = try x.broadcasted(to: e) }
    if let e = layout.expandB { y = try y.broadcasted(to: e) }
    if x.shape != layout.kernelA { x = try x.reshaped(to: layout.kernelA) }
    if y.shape != layout.kernelB { y = try y.reshaped(to: layout.kernelB) }
    let product = try gemmProduct(x, transposeX: layout.transposeA, y, transposeY: layout.transposeB, keepBatch: true)
    return product.shape == layout.outShape ? product : try product.reshaped(to: layout.outShape)
}

// The matrix product on the tape. With C = op(A) op(B) and dC its gradient:
//   dA = dC op(B)^T        (stored transposed when A is: dA = op(B) dC^T)
//   dB = op(A)^T dC        (stored transposed when B is: dB = dC^T op(A))
// A matrix operand broadcast over a batch gets its gradient summed over that batch.

/// The matrix product `op(a) @ op(b)` of variables with NumPy's `matmul` rules; see
/// `matmul(_:_:transposeA:transposeB:)` on tensors for the shapes accepted.
///
/// The operands are laid out for the GEMM kernel by differentiable reshapes (and a broadcast of
/// batch dimensions, whose gradient sums back), so only the product itself has a rule of its own.
public func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) throws -> Variable {
    let layout = try MatmulLayout(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
    var x = a, y = b
    if let e = layout.expandA { x = try x.broadcast(to: e) }
    if let e = layout.expandB { y = try y.broadcast(to: e) }
    if x.shape != layout.kernelA { x = try x.reshape(layout.kernelA) }
    if y.shape != layout.kernelB { y = try y.reshape(layout.kernelB) }
    let product = try gemm(x, y, transposeA: layout.transposeA, transposeB: layout.transposeB)
    return product.shape == layout.outShape ? product : try product.reshape(layout.outShape)
}

/// The product of matrices or batches of matrices (rank 2 or 3) on the tape.
///
/// Both gradients are matrix products again, each one GEMM (or one per batch element), with the
/// transposes passed to BLAS as flags rather than materialised.
private func gemm(_ a: Variable, _ b: Variable, transposeA: Bool, transposeB: Bool) throws -> Variable {
    let av = a.value, bv = b.value
    let out = try gemmProduct(av, transposeX: transposeA, bv, transposeY: transposeB, keepBatch: true)
    let aBatched = av.rank == 3, bBatched = bv.rank == 3
    let needA = a.requiresGrad, needB = b.requiresGrad
    return Variable.record(out, parents: [a, b], op: .gemm) { g in
        var da: Tensor?, db: Tensor?
        if needA {
            da = transposeA
                ? try gemmProduct(bv, transposeX: transposeB, g, transposeY: true, keepBatch: aBatched)
                : try gemmProduct(g, transposeX: false, bv, transposeY: !transposeB, keepBatch: aBatched)
        }
        if needB {
            db = transposeB
                ? try gemmProduct(g, transposeX: true, av, transposeY: transposeA, keepBatch: bBatched)
                : try gemmProduct(av, transposeX: !transposeA, g, transposeY: false, keepBatch: bBatched)
        }
        return [da, db]
    }
}

// The matrix product on the tape. With C = op(A) op(B) and dC its gradient:
//   dA = dC op(B)^T        (stored transposed when A is: dA = op(B) dC^T)
//   dB = op(A)^T dC        (stored transposed when B is: dB = dC^T op(A))
// A matrix operand broadcast over a batch gets its gradient summed over that batch.

/// The matrix product `op(a) op(b)` of variables; see `matmul(_:_:transposeA:transposeB:)` on
/// tensors for the shapes accepted.
///
/// Both gradients are matrix products again, each one GEMM (or one per batch element), with the
/// transposes passed to BLAS as flags rather than materialised.
public func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) throws -> Variable {
    let av = a.value, bv = b.value
    let out = try matmul(av, bv, transposeA: transposeA, transposeB: transposeB)
    let aBatched = av.rank == 3, bBatched = bv.rank == 3
    let needA = a.requiresGrad, needB = b.requiresGrad
    return Variable.record(out, parents: [a, b]) { g in
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

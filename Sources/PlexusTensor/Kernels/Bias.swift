// The bias of a fused layer: added to every row of the kernel's output in place, and its gradient,
// the output gradient summed over every axis but the last.

/// Adds `bias` to every row of `z` along its last axis, in place.
func addBias(_ z: inout Tensor, _ bias: Tensor, op: String) throws {
    let n = bias.count
    guard bias.rank == 1, z.rank >= 1, z.shape[z.rank - 1] == n, n > 0 else {
        throw TensorError(op, "bias \(formatShape(bias.shape)) does not match the last axis of the output \(formatShape(z.shape))")
    }
    bias.withUnsafeBufferPointer { bp in
        z.withUnsafeMutableBufferPointer { zp in
            guard let b = bp.baseAddress, let o = zp.baseAddress else { return }
            let rows = zp.count / n
            parallelFor(rows, grain: Swift.max(1, 32_768 / n)) { range in
                for r in range {
                    let row = o + r &* n
                    for j in 0..<n { row[j] += b[j] }
                }
            }
        }
    }
}

/// The bias gradient: the output gradient summed over every axis but the last.
func biasGradient(_ dz: Tensor) throws -> Tensor {
    let n = dz.shape.last ?? 1
    return try dz.reshaped(to: [dz.count / Swift.max(n, 1), n]).sum(axes: [0])
}

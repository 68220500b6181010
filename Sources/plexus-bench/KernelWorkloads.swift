import PlexusTensor
import PlexusNN
import CBLAS

// Kernel-level workloads: the machine's GEMM rate through Plexus and straight through OpenBLAS
// (the reference every convolution is judged against), and one VGG16-sized convolution.

let kernelWorkloads: [(name: String, run: (inout RandomGenerator) throws -> Void)] = [
    ("gemm", gemmWorkload), ("gemm_cblas_direct", gemmDirectWorkload), ("conv_fwd", convForwardWorkload),
    ("conv_bwd", convBackwardWorkload),
]

/// gemm: 1024^3 through matmul.
func gemmWorkload(_ gen: inout RandomGenerator) throws {
    let n = 1024
    let a = try Tensor.normal([n, n], using: &gen), b = try Tensor.normal([n, n], using: &gen)
    let ms = try medianMilliseconds { checksum += try matmul(a, b).withUnsafeBufferPointer { $0[0] } }
    report("gemm", ms: ms, flops: 2 * Double(n * n * n))
}

/// gemm_cblas_direct: the same product straight through cblas_sgemm, without Plexus.
func gemmDirectWorkload(_ gen: inout RandomGenerator) throws {
    let n = 1024
    let a = try Tensor.normal([n, n], using: &gen), b = try Tensor.normal([n, n], using: &gen)
    var c = [Float](repeating: 0, count: n * n)
    let ms = a.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in
            c.withUnsafeMutableBufferPointer { cp in
                medianMilliseconds {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                                ap.baseAddress, Int32(n), bp.baseAddress, Int32(n), 0, cp.baseAddress, Int32(n))
                }
            }
        }
    }
    checksum += c[0]
    report("gemm_cblas_direct", ms: ms, flops: 2 * Double(n * n * n))
}

/// conv_fwd: batch 1, 56x56x128 -> 256 channels, 3x3 "same" (VGG16's conv3 blocks).
func convForwardWorkload(_ gen: inout RandomGenerator) throws {
    let x = try Tensor.normal([1, 56, 56, 128], using: &gen)
    let w = try Tensor.normal([3, 3, 128, 256], using: &gen)
    let ms = try medianMilliseconds { checksum += try conv2d(x, w, padding: .same).withUnsafeBufferPointer { $0[0] } }
    report("conv_fwd", ms: ms, flops: 2 * Double(56 * 56) * Double(3 * 3 * 128) * 256)
}

/// conv_bwd: the input and kernel gradients of conv_fwd.
func convBackwardWorkload(_ gen: inout RandomGenerator) throws {
    let x = try Tensor.normal([1, 56, 56, 128], using: &gen)
    let w = try Tensor.normal([3, 3, 128, 256], using: &gen)
    let dy = try Tensor.normal([1, 56, 56, 256], using: &gen)
    let ms = try medianMilliseconds {
        let g = try conv2dGradients(x, w, outputGradient: dy, padding: .same)
        checksum += (g.input?.withUnsafeBufferPointer { $0[0] } ?? 0) + (g.kernel?.withUnsafeBufferPointer { $0[0] } ?? 0)
    }
    report("conv_bwd", ms: ms, flops: 4 * Double(56 * 56) * Double(3 * 3 * 128) * 256)
}

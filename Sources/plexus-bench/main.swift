import CBLAS
import Foundation
import PlexusNN

// Benchmark workloads, one JSON line each:
//   {"impl": "plexus", "workload": NAME, "ms_per_step": MEDIAN, "gflops": RATE}
// Each workload runs a few warm-up steps, then many timed steps; the median is reported. FLOPs count
// 2 * M * N * K per GEMM-equivalent (a convolution's backward pass counts its input and kernel
// gradients). `gemm_cblas_direct` calls OpenBLAS without Plexus: the machine's reference.

/// The median wall time of `steps` calls of `body` after `warmup` untimed ones, in milliseconds.
func medianMilliseconds(warmup: Int = 3, steps: Int = 25, _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<warmup { try body() }
    var times: [Double] = []
    for _ in 0..<steps {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    times.sort()
    return times[times.count / 2]
}

func report(_ workload: String, ms: Double, flops: Double) {
    let gflops = flops / (ms / 1e3) / 1e9
    print("{\"impl\": \"plexus\", \"workload\": \"\(workload)\", \"ms_per_step\": \(String(format: "%.3f", ms)), \"gflops\": \(String(format: "%.1f", gflops))}")
}

/// Keeps results observable so no step is optimised away.
var checksum: Float = 0

func run() throws {
    var gen = RandomGenerator(seed: 1)

    // gemm: 1024^3 through matmul, and the same product straight through cblas_sgemm.
    let n = 1024
    let a = try Tensor.normal([n, n], using: &gen), b = try Tensor.normal([n, n], using: &gen)
    let gemmFlops = 2 * Double(n * n * n)
    let gemmMs = try medianMilliseconds { checksum += try matmul(a, b).withUnsafeBufferPointer { $0[0] } }
    report("gemm", ms: gemmMs, flops: gemmFlops)

    var c = [Float](repeating: 0, count: n * n)
    let directMs = a.withUnsafeBufferPointer { ap in
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
    report("gemm_cblas_direct", ms: directMs, flops: gemmFlops)

    // conv: batch 1, 56x56x128 -> 256 channels, 3x3 "same" (VGG16's conv3 blocks).
    let x = try Tensor.normal([1, 56, 56, 128], using: &gen)
    let w = try Tensor.normal([3, 3, 128, 256], using: &gen)
    let convFlops = 2 * Double(56 * 56) * Double(3 * 3 * 128) * 256
    let fwdMs = try medianMilliseconds { checksum += try conv2d(x, w, padding: .same).withUnsafeBufferPointer { $0[0] } }
    report("conv_fwd", ms: fwdMs, flops: convFlops)

    let dy = try Tensor.normal([1, 56, 56, 256], using: &gen)
    let bwdMs = try medianMilliseconds {
        let g = try conv2dGradients(x, w, outputGradient: dy, padding: .same)
        checksum += (g.input?.withUnsafeBufferPointer { $0[0] } ?? 0) + (g.kernel?.withUnsafeBufferPointer { $0[0] } ?? 0)
    }
    report("conv_bwd", ms: bwdMs, flops: 2 * convFlops)

    try runModelWorkloads(using: &gen)
}

do {
    try run()
    if checksum.isNaN { FileHandle.standardError.write("checksum is NaN\n".data(using: .utf8) ?? Data()) }
} catch {
    FileHandle.standardError.write("plexus-bench: \(error)\n".data(using: .utf8) ?? Data())
    exit(1)
}

import PlexusTensor
import PlexusNN
import Foundation

// Benchmark workloads, one JSON line each:
//   {"impl": "plexus", "workload": NAME, "ms_per_step": MEDIAN, "gflops": RATE, "peak_rss_mb": RSS}
// Each workload runs a few warm-up steps, then many timed steps; the median is reported. FLOPs count
// 2 * M * N * K per GEMM-equivalent (a convolution's backward pass counts its input and kernel
// gradients); 0 where not counted. `peak_rss_mb` is the process's peak resident memory so far
// (getrusage): bench/compare.py runs one workload per process, so it is that workload's.
//
//   plexus-bench                      every workload
//   plexus-bench hyper mlp            only these, in this order
//   plexus-bench --list               the workload names

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

/// The peak resident set size of this process so far, in MiB (Linux reports kilobytes).
func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

func report(_ workload: String, ms: Double, flops: Double) {
    let gflops = flops / (ms / 1e3) / 1e9
    print("{\"impl\": \"plexus\", \"workload\": \"\(workload)\", \"ms_per_step\": \(String(format: "%.3f", ms)), \"gflops\": \(String(format: "%.1f", gflops)), \"peak_rss_mb\": \(String(format: "%.0f", peakResidentMegabytes()))}")
    fflush(stdout)
}

/// Keeps results observable so no step is optimised away.
var checksum: Float = 0

/// Every workload by name, in the order a bare `plexus-bench` runs them.
let workloads: [(name: String, run: (inout RandomGenerator) throws -> Void)] = kernelWorkloads + modelWorkloads + zooWorkloads + scriptWorkloads

func run() throws {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments == ["--list"] {
        for w in workloads { print(w.name) }
        return
    }
    var selected = workloads
    if !arguments.isEmpty {
        selected = try arguments.map { name in
            guard let w = workloads.first(where: { $0.name == name }) else {
                throw BenchError("unknown workload \(name); known: \(workloads.map(\.name).joined(separator: ", "))")
            }
            return w
        }
    }
    var gen = RandomGenerator(seed: 1)
    for w in selected { try w.run(&gen) }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

do {
    try run()
    if checksum.isNaN { FileHandle.standardError.write("checksum is NaN\n".data(using: .utf8) ?? Data()) }
} catch {
    FileHandle.standardError.write("plexus-bench: \(error)\n".data(using: .utf8) ?? Data())
    exit(1)
}

#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// How long OpenBLAS's idle worker threads spin before they sleep, set once before the first
/// product.
///
/// Plexus alternates OpenBLAS's products with its own parallel loops (im2col, batch norm,
/// activations, on `parallelFor`'s threads). After each product OpenBLAS's workers spin for 2^28
/// cycles (about 0.1 s, its `THREAD_TIMEOUT`), calling `sched_yield` in a loop, so on a 2-core
/// machine they take turns with the threads doing Plexus's own work: 13% of a ResNet50 training
/// step went to `sched_yield` (perf). With OpenBLAS's documented `OPENBLAS_THREAD_TIMEOUT` at its
/// minimum, 4 (2^4 cycles), they sleep at once and wake on the next product: in one alternating run
/// `plexus-bench` hyper went from 15.4 and 13.7 ms to 10.8 and 11.3 ms, mobilenet_infer from 16.3
/// and 17.6 to 15.3 and 16.0, resnet50_train from 2.51 and 2.37 s to 2.24 and 2.26, mlp unchanged.
///
/// A value the user set is kept. OpenBLAS reads its environment when it loads, before `main`, so the
/// value is put in the environment, OpenBLAS is asked to read it again (`openblas_read_env`, which
/// re-reads the same variables) and its idle threads are stopped (`blas_thread_shutdown_`); the next
/// product starts them with the new timeout. Both are looked up at run time: a BLAS without them
/// is left as it is. The variables that choose OpenBLAS's kernels (`OPENBLAS_CORETYPE`,
/// `OPENBLAS_L2_SIZE`) are never touched.
enum BLASThreads {
    /// The timeout in effect after `configure()`: the user's, Plexus's 4, or `nil` when the BLAS
    /// offers no way to change it.
    static let timeout: String? = configure()

    /// The spin time Plexus asks for: 2^4 cycles, OpenBLAS's minimum.
    static let plexusTimeout = "4"

    private static func configure() -> String? {
        if let given = getenv("OPENBLAS_THREAD_TIMEOUT") { return String(cString: given) }
        let library = dlopen(nil, RTLD_NOW)
        guard let readEnvironment = dlsym(library, "openblas_read_env"),
              let shutDown = dlsym(library, "blas_thread_shutdown_") else { return nil }
        setenv("OPENBLAS_THREAD_TIMEOUT", plexusTimeout, 0)
        unsafeBitCast(readEnvironment, to: (@convention(c) () -> Void).self)()
        _ = unsafeBitCast(shutDown, to: (@convention(c) () -> Int32).self)()
        return plexusTimeout
    }
}

import XCTest
#if canImport(Glibc)
import Glibc
#endif
@testable import PlexusTensor

final class BLASThreadsTests: XCTestCase {
    /// After the first product, OpenBLAS's idle threads sleep after 2^4 cycles instead of spinning
    /// for 2^28, unless the environment already chose a timeout, which is kept.
    func testOpenBLASIdleThreadsSleepAtOnceUnlessTheUserChoseOtherwise() throws {
        let given = ProcessInfo.processInfo.environment["OPENBLAS_THREAD_TIMEOUT"]
        _ = try matmul(Tensor.ones([4, 4]), Tensor.ones([4, 4]))
        XCTAssertEqual(BLASThreads.timeout, given ?? BLASThreads.plexusTimeout)
        XCTAssertEqual(getenv("OPENBLAS_THREAD_TIMEOUT").map { String(cString: $0) }, given ?? "4")
        // What OpenBLAS itself now reads.
        let symbol = try XCTUnwrap(dlsym(dlopen(nil, RTLD_NOW), "openblas_thread_timeout"))
        let inEffect = unsafeBitCast(symbol, to: (@convention(c) () -> Int32).self)()
        XCTAssertEqual(inEffect, Int32(given ?? "4"))
        // And products still compute: 4 ones summed.
        XCTAssertEqual(try matmul(Tensor.ones([2, 4]), Tensor.ones([4, 3])).scalars, Array(repeating: 4, count: 6))
    }
}

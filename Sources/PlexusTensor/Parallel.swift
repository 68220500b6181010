import Dispatch
import Foundation

/// The number of worker threads kernels split large loops over: the processors Foundation counts
/// as active for this process (on any platform), at most 64.
public let kernelThreadCount: Int = Swift.max(1, Swift.min(ProcessInfo.processInfo.activeProcessorCount, 64))

/// Runs `body` over `0..<count` split into contiguous chunks, on all cores when the work is large
/// enough to pay for the threads (at least `grain` items per chunk), serially otherwise.
///
/// `body` receives disjoint ranges and may write to disjoint parts of one output buffer.
@inlinable
public func parallelFor(_ count: Int, grain: Int = 32_768, _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let chunks = Swift.min(kernelThreadCount, count / Swift.max(grain, 1))
    if chunks <= 1 {
        body(0..<count)
        return
    }
    let per = (count + chunks - 1) / chunks
    withoutActuallyEscaping(body) { body in
        let shared = ChunkBody(run: body)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = c * per
            let hi = Swift.min(count, lo + per)
            if lo < hi { shared.run(lo..<hi) }
        }
    }
}

/// A kernel's loop body handed to the worker threads of `parallelFor`.
///
/// `@unchecked Sendable` because the compiler cannot see the two facts that make the hand-off safe:
/// `concurrentPerform` returns only after every chunk has run (so the body, and the buffers it
/// captures, outlive every use), and each chunk receives a disjoint range, so the writes of two
/// threads never touch the same element. Every kernel that calls `parallelFor` keeps the second
/// rule; this type is the one place where the language is told so.
@usableFromInline
struct ChunkBody: @unchecked Sendable {
    @usableFromInline let run: (Range<Int>) -> Void
    @usableFromInline init(run: @escaping (Range<Int>) -> Void) { self.run = run }
}

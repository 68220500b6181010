/// Contiguous Float32 storage, shared by tensors until one of them writes (copy on write).
///
/// The buffer comes from the active `BufferPool` when there is one (a plan running) and a kept
/// buffer of the size fits, else from the system; it goes back to its pool when freed.
@usableFromInline
final class TensorStorage {
    @usableFromInline let count: Int
    @usableFromInline let base: UnsafeMutablePointer<Float>
    private let pool: BufferPool?

    @usableFromInline
    init(count: Int) {
        self.count = count
        // Always allocate at least one element so `base` is valid for empty tensors.
        let capacity = Swift.max(count, 1)
        let pool = BufferPool.current
        self.pool = pool
        if let kept = pool?.take(count: capacity) {
            self.base = kept
            AllocationStatistics.reused(bytes: capacity * MemoryLayout<Float>.stride)
        } else {
            self.base = .allocate(capacity: capacity)
            AllocationStatistics.allocated(bytes: capacity * MemoryLayout<Float>.stride)
        }
    }

    @usableFromInline
    convenience init(repeating value: Float, count: Int) {
        self.init(count: count)
        base.initialize(repeating: value, count: Swift.max(count, 1))
    }

    @inline(never) @usableFromInline
    func copy() -> TensorStorage {
        let new = TensorStorage(count: count)
        new.base.initialize(from: base, count: Swift.max(count, 1))
        return new
    }

    deinit {
        let capacity = Swift.max(count, 1)
        AllocationStatistics.freed(bytes: capacity * MemoryLayout<Float>.stride)
        if pool?.give(base, count: capacity) != true { base.deallocate() }
    }
}

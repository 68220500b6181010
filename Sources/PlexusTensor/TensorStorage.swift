/// Contiguous Float32 storage, shared by tensors until one of them writes (copy on write).
@usableFromInline
final class TensorStorage {
    @usableFromInline let count: Int
    @usableFromInline let base: UnsafeMutablePointer<Float>

    @usableFromInline
    init(count: Int) {
        self.count = count
        // Always allocate at least one element so `base` is valid for empty tensors.
        self.base = .allocate(capacity: Swift.max(count, 1))
        AllocationStatistics.allocated(bytes: Swift.max(count, 1) * MemoryLayout<Float>.stride)
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
        AllocationStatistics.freed(bytes: Swift.max(count, 1) * MemoryLayout<Float>.stride)
        base.deallocate()
    }
}

import Synchronization

/// What tensor storage has allocated: bytes live now, the highest live figure since the last
/// reset, and how many buffers were allocated.
///
/// Every `Tensor`'s elements live in one storage buffer; its creation and release update these
/// counters with atomic adds (no lock), so kernels that create tensors on several threads count
/// correctly and the cost is three atomic operations per buffer, small beside the buffer itself.
/// Scratch memory a kernel allocates and frees inside one call (im2col chunks, softmax rows) is
/// not tensor storage and is not counted; an optimiser's per-weight state is not tensor storage
/// but is counted (`recordAllocation`), being memory a model holds.
///
/// Uses: checking a memory estimate against what a run really held (`peakBytes` after
/// `resetPeak()`), and proving a loop allocates nothing in its steady state (`allocationCount`
/// unchanged across an iteration).
///
/// ```swift
/// AllocationStatistics.resetPeak()
/// let before = AllocationStatistics.allocationCount
/// _ = try plan.run(inputs: [x], context: context)
/// print(AllocationStatistics.peakBytes - baseline, AllocationStatistics.allocationCount - before)
/// ```
public enum AllocationStatistics {
    private static let live = Atomic<Int>(0)
    private static let peak = Atomic<Int>(0)
    private static let count = Atomic<Int>(0)

    /// Bytes of tensor storage allocated and not yet freed.
    public static var liveBytes: Int { live.load(ordering: .relaxed) }

    /// The most `liveBytes` has been since the last `resetPeak()` (or the start of the process).
    public static var peakBytes: Int { peak.load(ordering: .relaxed) }

    /// How many storage buffers have been allocated from the system (not taken from a
    /// `BufferPool`) since the start of the process (never reset,
    /// so two readers measuring different stretches do not disturb each other: take differences).
    public static var allocationCount: Int { count.load(ordering: .relaxed) }

    /// Starts a new peak measurement from what is live now.
    public static func resetPeak() {
        peak.store(live.load(ordering: .relaxed), ordering: .relaxed)
    }

    /// Counts a buffer that is not tensor storage but part of what a model holds (an optimiser's
    /// per-weight state), so that measurements see it; pair with `recordRelease(bytes:)`.
    public static func recordAllocation(bytes: Int) { allocated(bytes: bytes) }

    /// Counts the release of a buffer recorded with `recordAllocation(bytes:)`.
    public static func recordRelease(bytes: Int) { freed(bytes: bytes) }

    static func allocated(bytes: Int) {
        count.add(1, ordering: .relaxed)
        addLive(bytes)
    }

    /// A buffer taken from a `BufferPool`: live again, but not an allocation from the system.
    static func reused(bytes: Int) { addLive(bytes) }

    private static func addLive(_ bytes: Int) {
        let now = live.add(bytes, ordering: .relaxed).newValue
        var seen = peak.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, current) = peak.compareExchange(expected: seen, desired: now, ordering: .relaxed)
            if exchanged { break }
            seen = current
        }
    }

    static func freed(bytes: Int) {
        live.subtract(bytes, ordering: .relaxed)
    }
}

import Synchronization

/// Tensor buffers kept for reuse, so that a loop which makes tensors of the same sizes on every
/// pass (a training step, a batch of `predict`) takes them from here instead of from the system.
///
/// Why: a training step creates every activation, every saved value of the tape and every
/// gradient anew, and frees them when the step ends. Buffers above glibc's mmap threshold are
/// mapped and unmapped each time, so each step pays the system calls and the page faults of
/// touching fresh pages again (a third of the mlp step on a cold process). The execution plan owns
/// one pool (`ExecutionPlan.buffers`) and makes it active while it runs, so from the second step
/// on every buffer a step needs is one the previous step gave back.
///
/// Rules:
/// - A buffer is taken from the pool that is active when its tensor is made, and goes back to that
///   same pool when its tensor is freed (on whatever thread), whether or not the pool is still
///   active then.
/// - Buffers are matched by exact element count: a plan's steps request the same sizes each time.
/// - The pool keeps at most `capacityBytes`; a buffer that would exceed it is freed at once, so a
///   one-off huge batch does not stay pinned. `drain()` frees everything it keeps (the plan calls
///   it when it goes away). Between inputs the REPL calls `BufferPool.trimAll(keepingAtMost:)`:
///   the pools of the plans run most recently stay (a `step(...)` typed again reuses its buffers),
///   the rest are drained once their total passes the budget.
/// - `AllocationStatistics.allocationCount` counts only buffers taken from the system, so a test
///   can check that steps 2..n of a loop allocate nothing.
public final class BufferPool: @unchecked Sendable {
    // @unchecked: all mutable state is inside `state`, behind its mutex; the pointers it holds are
    // owned by the pool (no tensor refers to a kept buffer).
    /// A kept buffer: owned by the pool alone while kept, so it may cross threads with it.
    private struct Kept: @unchecked Sendable { let pointer: UnsafeMutablePointer<Float> }

    private struct State {
        var kept: [Int: [Kept]] = [:]
        /// Free scratch blocks and their capacities, at most `scratchBlocks`.
        var scratch: [(block: Kept, capacity: Int)] = []
        var keptBytes = 0
        var open = true
        /// `BufferPool.clock` when the pool was last made active: the order `trimAll` keeps pools in.
        var lastActive: UInt64 = 0
    }

    private let state = Mutex(State())

    /// The most bytes the pool keeps while no tensor uses them.
    public let capacityBytes: Int

    /// A pool that keeps up to `capacityBytes` (by default a quarter of the memory available now,
    /// at most 2 GiB).
    public init(capacityBytes: Int? = nil) {
        self.capacityBytes = capacityBytes ?? Swift.min(2 << 30, MemoryLimit.availableBytes() / 4)
        BufferPool.registry.withLock { $0.append(Weak(self)) ; $0.removeAll { $0.pool == nil } }
    }

    deinit { drain() }

    /// Bytes kept for reuse now (not used by any tensor).
    public var keptBytes: Int { state.withLock { $0.keptBytes } }

    /// A kept buffer of exactly `count` elements, if there is one.
    func take(count: Int) -> UnsafeMutablePointer<Float>? {
        state.withLock { s in
            guard let k = s.kept[count]?.popLast() else { return nil }
            s.keptBytes -= count * MemoryLayout<Float>.stride
            return k.pointer
        }
    }

    /// Keeps `buffer` (of `count` elements) for reuse; false when the pool is drained or full, and
    /// the caller frees it.
    func give(_ buffer: UnsafeMutablePointer<Float>, count: Int) -> Bool {
        let bytes = count * MemoryLayout<Float>.stride
        return state.withLock { s in
            guard s.open, s.keptBytes + bytes <= capacityBytes else { return false }
            s.kept[count, default: []].append(Kept(pointer: buffer))
            s.keptBytes += bytes
            return true
        }
    }

    /// How many free scratch blocks a pool keeps: a kernel's scratch may hold a nested one (a
    /// convolution's input gradient inside its column buffer), so two serve every call.
    static let scratchBlocks = 2

    /// A free scratch block of at least `count` floats (the smallest that fits), and its capacity.
    ///
    /// Why blocks and not buffers of exact sizes: a kernel's scratch lives for one call, so one
    /// block serves every layer in turn; kept by exact size, every distinct layer shape would pin
    /// its own (ResNet-50's training step held 200 MB more that way).
    func takeScratch(count: Int) -> (pointer: UnsafeMutablePointer<Float>, capacity: Int)? {
        let taken = state.withLock { s -> (block: Kept, capacity: Int)? in
            guard let i = s.scratch.indices.filter({ s.scratch[$0].capacity >= count })
                .min(by: { s.scratch[$0].capacity < s.scratch[$1].capacity }) else { return nil }
            let (block, capacity) = s.scratch.remove(at: i)
            s.keptBytes -= capacity * MemoryLayout<Float>.stride
            return (block, capacity)
        }
        return taken.map { ($0.block.pointer, $0.capacity) }
    }

    /// Keeps a scratch block of `capacity` floats for the next call, dropping the smallest free
    /// block beyond `scratchBlocks` (or this one, when the pool is drained or full); frees what it
    /// drops.
    func giveScratch(_ pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        let given = Kept(pointer: pointer)
        let dropped = state.withLock { s -> Kept? in
            let bytes = capacity * MemoryLayout<Float>.stride
            guard s.open, s.keptBytes + bytes <= capacityBytes else { return given }
            s.scratch.append((given, capacity))
            s.keptBytes += bytes
            guard s.scratch.count > BufferPool.scratchBlocks,
                  let i = s.scratch.indices.min(by: { s.scratch[$0].capacity < s.scratch[$1].capacity }) else { return nil }
            let (block, dropped) = s.scratch.remove(at: i)
            s.keptBytes -= dropped * MemoryLayout<Float>.stride
            return block
        }
        dropped?.pointer.deallocate()
    }

    /// Frees every kept buffer. The pool goes on working: buffers given back later are kept again.
    public func drain() {
        let kept = state.withLock { s -> [Kept] in
            let all = s.kept.values.flatMap { $0 } + s.scratch.map(\.block)
            s.kept = [:]
            s.scratch = []
            s.keptBytes = 0
            return all
        }
        for k in kept { k.pointer.deallocate() }
    }

    // MARK: - The active pool

    private static let active = Mutex<BufferPool?>(nil)
    /// Counts activations, so pools can be ordered by when they last ran.
    private static let clock = Mutex<UInt64>(0)

    /// The pool new tensor buffers come from now, if any.
    static var current: BufferPool? { active.withLock { $0 } }

    /// Runs `body` with `pool` active: tensors made inside (on any thread) take their buffers
    /// from it and give them back to it when freed. The previous active pool is restored after.
    public static func withActive<T>(_ pool: BufferPool, _ body: () throws -> T) rethrows -> T {
        let tick = clock.withLock { c -> UInt64 in c += 1; return c }
        pool.state.withLock { $0.lastActive = tick }
        let previous = active.withLock { a -> BufferPool? in
            let p = a
            a = pool
            return p
        }
        defer { active.withLock { $0 = previous } }
        return try body()
    }

    // MARK: - Every pool

    private struct Weak { weak var pool: BufferPool?; init(_ p: BufferPool) { pool = p } }
    private static let registry = Mutex<[Weak]>([])

    /// Every pool alive.
    private static var alive: [BufferPool] {
        registry.withLock { r -> [BufferPool] in
            r.removeAll { $0.pool == nil }
            return r.compactMap(\.pool)
        }
    }

    /// Drains every pool alive.
    public static func drainAll() {
        for p in alive { p.drain() }
    }

    /// Keeps the buffers of the most recently run pools, as long as together they hold at most
    /// `budget` bytes, and drains the others: what a long-lived process calls between pieces of
    /// work (the REPL after each input).
    ///
    /// Why not drain everything: `step(m, data)` typed again and again would then take every
    /// buffer from the system on every call (for the mlp step, a third of its time); why not keep
    /// everything: buffers of a `predict` on VGG16 an hour ago should not stay pinned. A pool alone
    /// above the budget is drained too.
    public static func trimAll(keepingAtMost budget: Int) {
        let pools = alive.map { p in (pool: p, state: p.state.withLock { ($0.lastActive, $0.keptBytes) }) }
            .sorted { $0.state.0 > $1.state.0 }
        var kept = 0
        for (pool, (_, bytes)) in pools {
            if kept + bytes <= budget { kept += bytes } else { pool.drain() }
        }
    }

    /// What the REPL calls after each input: `trimAll` with a budget of 256 MiB, or an eighth of
    /// the memory available when first asked if that is less.
    public static func trimBetweenInputs() { trimAll(keepingAtMost: betweenInputsBudget) }

    /// Worked out once: reading the system's memory figures after every input costs ~50 us, more
    /// than the buffers save on a small step. (Private: a public `static let` read from another
    /// module was re-evaluated on every read in a release build.)
    private static let betweenInputsBudget = Swift.min(256 << 20, MemoryLimit.availableBytes() / 8)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells recursive phases (parser, evaluator) when the current thread's stack is nearly used up, so
/// that runaway nesting or recursion ends in a diagnostic instead of a crash, whatever the thread's
/// stack size (8 MB on the main thread, 512 KB on a secondary thread).
///
/// The depth limits of the parser and of user function calls are the errors users normally see;
/// this is the backstop for threads with small stacks and for debug builds' larger frames.
enum StackGuard {
    /// Keep this much stack free for the error path and for builtins called at the deepest point.
    static let reserve = 128 * 1024

    /// The lowest usable address of this thread's stack (stacks grow down), found once per thread.
    private static func stackLowerBound() -> UInt? {
        #if os(Linux)
        // pthread_getattr_np is a GNU extension the Glibc module does not export: look it up.
        typealias GetAttr = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_getattr_np") else { return nil }
        let getattr = unsafeBitCast(symbol, to: GetAttr.self)
        var attributes = pthread_attr_t()
        guard getattr(pthread_self(), &attributes) == 0 else { return nil }
        defer { pthread_attr_destroy(&attributes) }
        var address: UnsafeMutableRawPointer?
        var size = 0
        guard pthread_attr_getstack(&attributes, &address, &size) == 0, let base = address else { return nil }
        return UInt(bitPattern: base)
        #elseif canImport(Darwin)
        let top = UInt(bitPattern: pthread_get_stackaddr_np(pthread_self()))
        return top - UInt(pthread_get_stacksize_np(pthread_self()))
        #else
        return nil
        #endif
    }

    /// Cached per thread: the bound is read from thread-local storage after the first call.
    private static let key: pthread_key_t? = {
        var key = pthread_key_t()
        return pthread_key_create(&key, nil) == 0 ? key : nil
    }()

    private static func cachedLowerBound() -> UInt? {
        guard let key else { return stackLowerBound() }
        if let stored = pthread_getspecific(key) { return UInt(bitPattern: stored) }
        guard let bound = stackLowerBound() else { return nil }
        _ = pthread_setspecific(key, UnsafeRawPointer(bitPattern: bound))
        return bound
    }

    /// True when less than `reserve` bytes of stack remain below the caller's frame.
    @inline(never)
    static func isNearlyExhausted() -> Bool {
        var marker = 0
        let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        guard let low = cachedLowerBound(), here > low else { return false }
        return here - low < UInt(reserve)
    }
}

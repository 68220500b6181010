#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// How much memory this process may still take, judged against the limit that will actually stop
/// it, so that a request beyond it is an error ("would need 9.3 GB, 3.8 GB available") instead of
/// an abort in the allocator that ends the session.
///
/// The limits, tightest wins: the address-space and data-segment limits (`ulimit -v`, `ulimit -d`:
/// `RLIMIT_AS`, `RLIMIT_DATA`) less what the process already maps; a container's cgroup limit
/// (v2 `memory.max`, v1 `memory.limit_in_bytes`) less the cgroup's current usage; and the
/// machine's physical memory less this process's resident size. The figures are read when a
/// request is large enough to matter (`checkedThreshold`), so small tensors cost nothing.
public enum MemoryLimit {
    /// Requests below this many bytes are not checked (reading the limits costs a few system calls).
    public static let checkedThreshold = 4 << 20

    /// The bytes this process may still allocate, as far as the operating system says.
    public static func availableBytes() -> Int {
        var available = Int(clamping: ProcessInfo.processInfo.physicalMemory) - residentBytes()
        let statm = selfStatm()
        if let limit = resourceLimit(RLIMIT_AS_VALUE) {
            available = Swift.min(available, limit - statm.virtual)
        }
        if let limit = resourceLimit(RLIMIT_DATA_VALUE) {
            available = Swift.min(available, limit - statm.data)
        }
        if let cgroup = cgroupRoom() { available = Swift.min(available, cgroup) }
        return Swift.max(0, available)
    }

    /// Throws unless `bytes` more can be allocated (checked only from `checkedThreshold` up).
    ///
    /// - Throws: `TensorError(op, "<what> would need 9.31 GB, 3.80 GB available (the process's memory limit)")`.
    public static func check(bytes: Int, op: String, what: String) throws {
        guard bytes >= checkedThreshold else { return }
        let available = availableBytes()
        guard bytes <= available else {
            throw TensorError(op, "\(what) would need \(formatMemory(bytes)), \(formatMemory(available)) available")
        }
    }

    /// `9.31 GB`, `512.00 MB`, `3 bytes`: 1024-based units, as the memory errors print them.
    public static func formatMemory(_ bytes: Int) -> String {
        let units = ["KB", "MB", "GB", "TB", "PB", "EB"]
        guard bytes >= 1024 else { return "\(bytes) bytes" }
        var size = Double(bytes) / 1024
        var unit = 0
        while size >= 1024, unit < units.count - 1 { size /= 1024; unit += 1 }
        return String(format: "%.2f %@", size, units[unit])
    }

    #if os(Linux)
    private static let RLIMIT_AS_VALUE = Int32(RLIMIT_AS.rawValue)
    private static let RLIMIT_DATA_VALUE = Int32(RLIMIT_DATA.rawValue)
    #else
    private static let RLIMIT_AS_VALUE = RLIMIT_AS
    private static let RLIMIT_DATA_VALUE = RLIMIT_DATA
    #endif

    /// The soft limit of a resource in bytes, nil when unlimited.
    private static func resourceLimit(_ resource: Int32) -> Int? {
        var limit = rlimit()
        #if os(Linux)
        guard getrlimit(__rlimit_resource_t(UInt32(resource)), &limit) == 0 else { return nil }
        #else
        guard getrlimit(resource, &limit) == 0 else { return nil }
        #endif
        guard limit.rlim_cur != rlim_t.max else { return nil }   // RLIM_INFINITY
        return Int(clamping: limit.rlim_cur)
    }

    /// `/proc/self/statm`: the mapped size and the data segment, in bytes (zeros off Linux).
    private static func selfStatm() -> (virtual: Int, data: Int, resident: Int) {
        guard let text = readSmallFile("/proc/self/statm") else { return (0, 0, 0) }
        let fields = text.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard fields.count >= 6 else { return (0, 0, 0) }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        return (fields[0] * page, fields[5] * page, fields[1] * page)
    }

    private static func residentBytes() -> Int { selfStatm().resident }

    /// The room left under this process's cgroup memory limit, nil when there is none.
    private static func cgroupRoom() -> Int? {
        // v2: "0::/path" in /proc/self/cgroup; the limit in /sys/fs/cgroup/path/memory.max.
        if let text = readSmallFile("/proc/self/cgroup") {
            for line in text.split(separator: "\n") where line.hasPrefix("0::") {
                let path = String(line.dropFirst(3))
                let dir = "/sys/fs/cgroup" + (path == "/" ? "" : path)
                if let max = readNumber(dir + "/memory.max") {
                    return max - (readNumber(dir + "/memory.current") ?? 0)
                }
            }
        }
        // v1: the memory controller's limit (a huge number means none).
        if let max = readNumber("/sys/fs/cgroup/memory/memory.limit_in_bytes"), max < (1 << 60) {
            return max - (readNumber("/sys/fs/cgroup/memory/memory.usage_in_bytes") ?? 0)
        }
        return nil
    }

    /// A file holding one number ("max" and unreadable files give nil).
    private static func readNumber(_ path: String) -> Int? {
        readSmallFile(path).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// The first 4 KB of a small system file, nil when it cannot be read.
    private static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The one rule for the files Plexus reads and writes: only regular files.
///
/// Reading opens without blocking (a FIFO with no writer would otherwise hang `open`), then
/// refuses anything that is not a regular file with what it is ("'x' is not a regular file (it is
/// a FIFO)"): a device such as `/dev/zero` never ends, a directory has no bytes. Writing (`save`,
/// `:save`) replaces only a regular file or creates a new one; a symbolic link is followed to its
/// target, which is replaced there (atomically, by a rename beside it), and a link that leads to
/// anything else, or nowhere, is refused.
public enum RegularFile {
    /// What a file that is not regular is, in words: "a directory", "a FIFO (named pipe)".
    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }

    /// Opens `path` for reading, or throws why not: the operating system's reason, or "is not a
    /// regular file (it is a FIFO (named pipe))". Never blocks. The caller closes the descriptor.
    public static func openForReading(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw DataError(file: path, "cannot open: \(lastSystemError())") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = lastSystemError()
            close(fd)
            throw DataError(file: path, "cannot read: \(reason)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw DataError(file: path, "is not a regular file (it is \(kind(info.st_mode)))")
        }
        // Back to blocking reads for a regular file.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return fd
    }

    /// The whole of a regular file (a script), refusing one larger than `limit` bytes.
    public static func read(_ path: String, limit: Int = 256 << 20) throws -> [UInt8] {
        let fd = try openForReading(path)
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw DataError(file: path, "cannot read: \(lastSystemError())") }
        let size = Int(info.st_size)
        guard size <= limit else {
            throw DataError(file: path, "is \(formatCount(size)) bytes, more than the \(formatCount(limit)) a script may have")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress.map { $0 + done }, size - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError(file: path, "cannot read: \(lastSystemError())")
            }
            if n == 0 { break }
            done += n
        }
        return Array(bytes[0..<done])
    }

    /// The path to write in place of `path`: `path` itself when it is missing or a regular file,
    /// the final target of a symbolic link when that is a regular file (or missing, in an existing
    /// folder); otherwise throws ("'/dev/null' is a character device; save writes regular files only").
    public static func writeTarget(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {   // as the kernel's own limit on links followed (ELOOP)
            var info = stat()
            guard lstat(current, &info) == 0 else {
                guard errno == ENOENT else { throw DataError(file: path, "cannot write: \(lastSystemError())") }
                return current   // a new file (the folder's absence is reported by the write)
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                return current
            case S_IFLNK:
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let n = readlink(current, &buffer, buffer.count - 1)
                guard n >= 0 else { throw DataError(file: path, "cannot follow the symbolic link: \(lastSystemError())") }
                let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                current = target.hasPrefix("/") ? target
                    : (URL(fileURLWithPath: current).deletingLastPathComponent().path as NSString).appendingPathComponent(target)
            default:
                let via = current == path ? "" : " (the symbolic link leads to '\(current)')"
                throw DataError(file: path, "is \(kind(info.st_mode))\(via), not a regular file; only regular files are written or replaced")
            }
        }
        throw DataError(file: path, "has too many levels of symbolic links")
    }
}

/// The system's `read(2)` (the name `read` inside `RegularFile` is its own).
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

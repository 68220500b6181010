import PlexusTensor
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A regular file open for reading, its size known up front.
///
/// The loaders check a header's claims against `size` before they read or allocate anything, and
/// read a tensor's bytes straight into its storage, so a 500 MB weight file is never held twice.
/// Every failure is a `DataError` naming the file and the operating system's reason.
final class DataFileReader {
    /// The path as the user gave it, used in every error.
    let path: String
    /// The file's size in bytes when it was opened.
    let size: Int
    private let handle: UnsafeMutablePointer<FILE>

    init(path: String) throws {
        // Opened without blocking and checked to be a regular file first (a FIFO would hang).
        let fd = try RegularFile.openForReading(path)
        guard let handle = fdopen(fd, "rb") else {
            let reason = lastSystemError()
            close(fd)
            throw DataError(file: path, "cannot open: \(reason)")
        }
        var info = stat()
        guard fstat(fileno(handle), &info) == 0 else {
            let reason = lastSystemError()
            fclose(handle)
            throw DataError(file: path, "cannot read: \(reason)")
        }
        self.path = path
        self.size = Int(info.st_size)
        self.handle = handle
    }

    deinit { fclose(handle) }

    /// Reads exactly `count` bytes at `offset` into `buffer`; a short read (the file shrank since it
    /// was opened) is an error.
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws {
        guard count > 0 else { return }
        guard offset >= 0, offset <= size, count <= size - offset else {
            throw DataError(file: path, "bytes \(offset)..<\(offset + count) lie beyond the end of the file (\(size) bytes)")
        }
        guard fseeko(handle, off_t(offset), SEEK_SET) == 0 else {
            throw DataError(file: path, "cannot seek to byte \(offset): \(lastSystemError())")
        }
        let got = fread(buffer, 1, count, handle)
        guard got == count else {
            let reason = ferror(handle) != 0 ? lastSystemError() : "the file ends early"
            clearerr(handle)
            throw DataError(file: path, "read \(got) of \(count) bytes at byte \(offset): \(reason)")
        }
    }

    /// Reads exactly `count` bytes at `offset`.
    func readBytes(count: Int, at offset: Int) throws -> [UInt8] {
        // Checked before the buffer is allocated: the range against the file, the size against memory.
        guard count >= 0, offset >= 0, offset <= size, count <= size - offset else {
            throw DataError(file: path, "bytes \(offset)..<\(offset &+ count) lie beyond the end of the file (\(size) bytes)")
        }
        do { try MemoryLimit.check(bytes: count, op: "read", what: "reading \(formatCount(count)) bytes") }
        catch let error as TensorError { throw DataError(file: path, error.message) }
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { try read(into: base, count: count, at: offset) }
        }
        return bytes
    }

    /// The whole file.
    func readAll() throws -> [UInt8] { try readBytes(count: size, at: 0) }
}

/// The reason for the last failed system call, as `strerror` words it.
func lastSystemError() -> String { String(cString: strerror(errno)) }

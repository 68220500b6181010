import PlexusTensor
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Writes a file under a temporary name in the same folder and renames it over `path` only when
/// complete and synced, so a failure (a full disk, an interrupted session) never leaves a
/// half-written file where a good one was. Only a regular file is replaced; through a symbolic
/// link, its target is. `body` receives the function that appends bytes.
///
/// - Throws: `DataError` naming `path` when the file cannot be created, written or renamed; the
///   errors of `body` (the temporary file is removed).
func writeFileAtomically(_ path: String, _ body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
    let target = try RegularFile.writeTarget(path)
    let url = URL(fileURLWithPath: target)
    let folder = url.deletingLastPathComponent().path
    let temporary = (folder as NSString).appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
    guard let file = fopen(temporary, "wb") else {
        throw DataError(file: path, "cannot create \(temporary): \(lastSystemError())")
    }
    var closed = false
    defer {
        if !closed { fclose(file); unlink(temporary) }
    }
    try body { buffer in
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        guard fwrite(base, 1, buffer.count, file) == buffer.count else {
            throw DataError(file: path, "cannot write: \(lastSystemError())")
        }
    }
    guard fflush(file) == 0, fsync(fileno(file)) == 0 else {
        throw DataError(file: path, "cannot write: \(lastSystemError())")
    }
    closed = true
    guard fclose(file) == 0 else {
        let reason = lastSystemError()
        unlink(temporary)
        throw DataError(file: path, "cannot write: \(reason)")
    }
    guard rename(temporary, target) == 0 else {
        let reason = lastSystemError()
        unlink(temporary)
        throw DataError(file: path, "cannot replace the file: \(reason)")
    }
}

/// Appends `tensor`'s elements as little-endian float32 through `write`.
func writeLittleEndian(_ tensor: Tensor, _ write: (UnsafeRawBufferPointer) throws -> Void) throws {
    try tensor.withUnsafeBufferPointer { values in
        if !hostIsBigEndian {
            try write(UnsafeRawBufferPointer(values))
        } else {
            let swapped = values.map { $0.bitPattern.byteSwapped }
            try swapped.withUnsafeBytes { try write($0) }
        }
    }
}

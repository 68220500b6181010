import PlexusNN
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes a file whole or not at all: the bytes go to a temporary file beside the target, which is
/// then renamed over it.
///
/// `rename` within one directory is atomic, so an interrupted or failed `:save` never leaves a
/// half-written script where a good one was.
///
/// - Returns: nil on success, or why it failed ("no such file or directory").
func writeFileAtomically<Bytes: ContiguousBytes>(_ bytes: Bytes, toPath requested: String) -> String? {
    // Only a regular file is replaced; through a symbolic link, its target is (RegularFile).
    let path: String
    do { path = try RegularFile.writeTarget(requested) } catch let error as DataError { return error.message } catch { return "\(error)" }
    let temporary = path + ".tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { return String(cString: strerror(errno)) }
    var failure: String?
    bytes.withUnsafeBytes { buffer in
        var done = 0
        while done < buffer.count {
            let n = write(fd, buffer.baseAddress.map { $0 + done }, buffer.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                return
            }
            done += n
        }
    }
    if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
    if close(fd) != 0, failure == nil { failure = String(cString: strerror(errno)) }
    if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
    if failure != nil { unlink(temporary) }
    return failure
}

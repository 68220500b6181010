import Foundation
import XCTest

/// A fresh folder under the system's temporary directory, removed when the value goes away.
final class DataTestFolder {
    let path: String

    init() throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("plexus-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The path of `name` inside the folder.
    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Writes `bytes` to `name` and returns its path.
    @discardableResult
    func write(_ bytes: [UInt8], to name: String) throws -> String {
        let target = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// Writes `text` as UTF-8 to `name` and returns its path.
    @discardableResult
    func write(_ text: String, to name: String) throws -> String { try write(Array(text.utf8), to: name) }

    /// The folder's entries (to check that nothing temporary is left behind).
    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }
}

/// Runs `python3 -c script args...` once; skips the test when python3 or one of `modules` is
/// missing (the script is prefixed with an import check that exits with 77). Returns its standard
/// output; fails the test when the script fails.
func runPython(_ script: String, _ arguments: [String] = [], requiring modules: [String],
               file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let check = modules.map { "import \($0)" }.joined(separator: "\n    ")
    let program = "import sys\ntry:\n    \(check.isEmpty ? "pass" : check)\nexcept ImportError:\n    sys.exit(77)\n\(script)"
    let (status, output) = try python(["-c", program] + arguments)
    if status == 127 { throw XCTSkip("python3 is not installed; this interoperability check is skipped") }
    if status == 77 {
        throw XCTSkip("python3 with \(modules.joined(separator: ", ")) is not installed; this interoperability check is skipped")
    }
    XCTAssertEqual(status, 0, "python3 failed: \(output)", file: file, line: line)
    return output
}

private func python(_ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    do { try process.run() } catch { throw XCTSkip("python3 cannot be started: \(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Little-endian bytes of a value, for hand-built files.
func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}

/// Big-endian bytes of a value, for hand-built IDX files.
func bigEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { Array($0) }
}

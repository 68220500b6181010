import Foundation
import XCTest
@testable import PlexusLang

/// Replays every `sessions/**/*.plx` and compares what it prints with the `.out` file beside it.
///
/// Each script runs in a fresh session through `ScriptReplay` in `.keepGoing` mode, the function
/// `plexus --keep-going FILE.plx` calls, with output and diagnostics collected in order as a
/// terminal without colour shows them. Scripts are named relative to the repository and run from
/// its root, so recorded files do not depend on the machine.
///
/// To record (after checking the new output is right):
///
///     PLEXUS_RECORD=1 swift test --filter TranscriptTests     # or: make transcripts
final class TranscriptTests: XCTestCase {
    static let recordHint = "PLEXUS_RECORD=1 swift test --filter TranscriptTests (or make transcripts)"

    /// The repository root: this file is Tests/PlexusLangTests/TranscriptTests.swift.
    static let root = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Every `.plx` under sessions/, as paths relative to the root, sorted.
    static func scripts() -> [String] {
        let sessions = root.appendingPathComponent("sessions")
        guard let walker = FileManager.default.enumerator(atPath: sessions.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".plx") }.map { "sessions/" + $0 }.sorted()
    }

    /// What `plexus --keep-going` prints for a script: stdout and stderr interleaved, no colour.
    static func replay(_ relativePath: String) -> String {
        final class Sink { var text = "" }
        let sink = Sink()
        let session = Session(output: { sink.text += $0 }, errors: { sink.text += $0 })
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(root.path)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        ScriptReplay.runFile(relativePath, in: session, mode: .keepGoing)
        return sink.text
    }

    func testEverySessionScriptPrintsItsRecordedOutput() throws {
        let scripts = TranscriptTests.scripts()
        XCTAssertFalse(scripts.isEmpty, "no scripts found under \(TranscriptTests.root.path)/sessions")
        let recording = ProcessInfo.processInfo.environment["PLEXUS_RECORD"].map { !$0.isEmpty && $0 != "0" } ?? false
        for script in scripts {
            let actual = TranscriptTests.replay(script)
            let expectedPath = TranscriptTests.root.appendingPathComponent(String(script.dropLast(4)) + ".out").path
            if recording {
                try actual.write(toFile: expectedPath, atomically: true, encoding: .utf8)
                print("recorded \(String(script.dropLast(4))).out")
                continue
            }
            guard let expected = FileManager.default.contents(atPath: expectedPath) else {
                XCTFail("\(script) has no recorded output \(String(script.dropLast(4))).out: check what it prints "
                        + "with 'plexus --keep-going \(script)', then record it with \(TranscriptTests.recordHint)")
                continue
            }
            if let difference = TranscriptComparison.firstDifference(expected: String(decoding: expected, as: UTF8.self),
                                                                      actual: actual) {
                XCTFail("\(script) printed something else than its recorded output: \(difference)\n"
                        + "if the new output is right, record it with \(TranscriptTests.recordHint)")
            }
        }
    }
}

/// Compares transcripts line by line: numbers within a tolerance, everything else exactly.
enum TranscriptComparison {
    /// Relative and absolute tolerances for numbers written with a decimal point or an exponent.
    static let relativeTolerance = 1e-4
    static let absoluteTolerance = 1e-6

    /// nil when the transcripts match, else where and how they first differ.
    static func firstDifference(expected: String, actual: String) -> String? {
        let e = expected.components(separatedBy: "\n"), a = actual.components(separatedBy: "\n")
        for i in 0..<max(e.count, a.count) {
            let el = i < e.count ? e[i] : nil, al = i < a.count ? a[i] : nil
            if let el, let al, linesMatch(el, al) { continue }
            return "line \(i + 1) differs\n  expected: \(el.map { $0.debugDescription } ?? "(end of output)")"
                + "\n  actual:   \(al.map { $0.debugDescription } ?? "(end of output)")"
        }
        return nil
    }

    /// The same text between numbers, and numbers that agree: exactly when both are whole numbers
    /// as written (counts, shapes, line numbers), within the tolerance otherwise.
    static func linesMatch(_ expected: String, _ actual: String) -> Bool {
        if expected == actual { return true }
        let e = tokens(expected), a = tokens(actual)
        guard e.count == a.count else { return false }
        for (x, y) in zip(e, a) {
            switch (x, y) {
            case (.text(let s), .text(let t)):
                if s != t { return false }
            case (.number(let s, let u), .number(let t, let v)):
                if isWhole(s) && isWhole(t) {
                    if s != t { return false }
                } else if !(u.isNaN && v.isNaN) && !(u == v) {
                    if abs(u - v) > max(absoluteTolerance, relativeTolerance * max(abs(u), abs(v))) { return false }
                }
            default:
                return false
            }
        }
        return true
    }

    enum Token: Equatable {
        case text(String)
        /// The number as written, and its value.
        case number(String, Double)
    }

    /// Splits a line into numbers (`-1.5e-3`, `42`, `0.5`, standing alone, not inside a name) and the text
    /// between them. A minus sign belongs to the number only where it cannot be subtraction.
    static func tokens(_ line: String) -> [Token] {
        let chars = Array(line.unicodeScalars)
        var out: [Token] = []
        var text = ""
        var i = 0
        func isDigit(_ c: Unicode.Scalar) -> Bool { c.properties.numericType == .decimal && c.isASCII }
        func isWordChar(_ c: Unicode.Scalar) -> Bool { c.isASCII && (c.properties.isAlphabetic || isDigit(c) || c == "_") }
        while i < chars.count {
            let previous: Unicode.Scalar? = i > 0 ? chars[i - 1] : nil
            let startsWord = previous.map { !isWordChar($0) && $0 != "." } ?? true
            var j = i
            if chars[j] == "-", j + 1 < chars.count, isDigit(chars[j + 1]) || chars[j + 1] == ".",
               previous.map({ !isWordChar($0) && $0 != ")" && $0 != "]" }) ?? true {
                j += 1
            }
            var digits = 0
            while j < chars.count, isDigit(chars[j]) { j += 1; digits += 1 }
            if j < chars.count, chars[j] == ".", j + 1 < chars.count, isDigit(chars[j + 1]) {
                j += 1
                while j < chars.count, isDigit(chars[j]) { j += 1; digits += 1 }
            }
            if digits > 0, j < chars.count, chars[j] == "e" || chars[j] == "E" {
                var k = j + 1
                if k < chars.count, chars[k] == "-" || chars[k] == "+" { k += 1 }
                if k < chars.count, isDigit(chars[k]) {
                    while k < chars.count, isDigit(chars[k]) { k += 1 }
                    j = k
                }
            }
            if digits > 0, startsWord, j == chars.count || !isWordChar(chars[j]) {
                let written = String(String.UnicodeScalarView(chars[i..<j]))
                if !text.isEmpty { out.append(.text(text)); text = "" }
                out.append(.number(written, Double(written) ?? .nan))
                i = j
                continue
            }
            text.unicodeScalars.append(chars[i])
            i += 1
        }
        if !text.isEmpty { out.append(.text(text)) }
        return out
    }

    static func isWhole(_ written: String) -> Bool {
        !written.contains(".") && !written.contains("e") && !written.contains("E")
    }
}

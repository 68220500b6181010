import Foundation
import XCTest
@testable import PlexusLang

/// The README's tour is a promise: every ```plexus block in it, replayed in order in one session,
/// runs without an error and shows what the prose says it shows.
final class ReadmeTourTests: XCTestCase {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The contents of the README's ```plexus blocks, in order.
    func tourBlocks() throws -> [String] {
        let readme = try String(contentsOf: Self.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var blocks: [String] = [], current: [String]?
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```plexus" { current = [] }
            else if current != nil, line == "```" { blocks.append(current?.joined(separator: "\n") ?? ""); current = nil }
            else if current != nil { current?.append(String(line)) }
        }
        return blocks
    }

    func testEveryTourBlockRunsWithoutAnError() throws {
        let blocks = try tourBlocks()
        XCTAssertGreaterThanOrEqual(blocks.count, 5, "the README should carry its tour")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-readme-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let t = Transcript()
        t.session.lessonDirectory = Self.repositoryRoot.appendingPathComponent("lessons").path
        t.session.lessonProgressPath = scratch.appendingPathComponent("lessons-progress").path
        var output = ""
        for (i, block) in blocks.enumerated() {
            // `:save` writes into a scratch folder instead of the working directory.
            let source = block
                .replacingOccurrences(of: ":save my_session.plx", with: ":save \(scratch.appendingPathComponent("my_session.plx").path)")
                .replacingOccurrences(of: "\"mlp.safetensors\"", with: "\"\(scratch.appendingPathComponent("mlp.safetensors").path)\"")
                .replacingOccurrences(of: "\"hyper.keras\"", with: "\"\(scratch.appendingPathComponent("hyper.keras").path)\"")
            for piece in ScriptReplay.pieces(of: SourceFile(name: "README.md block \(i + 1)", text: source)) {
                t.buffer.text = ""
                let status = t.session.run(piece, echo: true, allowIncomplete: false).status
                output += t.buffer.text
                XCTAssertEqual(status, .ok, "README block \(i + 1) failed:\n\(t.buffer.text)")
            }
        }
        // What the prose promises.
        XCTAssertTrue(output.contains("Total params: 1,381,872"), "feature network count")
        XCTAssertTrue(output.contains("3,483,122") && output.contains("4,864,994") && output.contains("1,381,872"))
        XCTAssertTrue(output.contains("(None, 5, 5, 1, 8)") || output.contains("(none, 5, 5, 1, 8)"), "per-sample kernel shape")
        XCTAssertTrue(output.contains("Non-trainable params: 1,210"), "frozen basis")
        XCTAssertTrue(output.contains("epoch 10/10"), "training runs its epochs")
        XCTAssertTrue(output.contains("frozen") && output.contains("unchanged"), "the frozen layer stays put")
        XCTAssertTrue(output.contains("  sharing ") && output.contains("── sharing, step 1 of 5"), "the tour ends with :learn")
        XCTAssertTrue(output.contains("Correct.\n"), "the lesson checks the first answer")
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("mlp.safetensors").path))
        let saved = try String(contentsOf: scratch.appendingPathComponent("my_session.plx"), encoding: .utf8)
        XCTAssertTrue(saved.contains("siamese = model([a, b], y, name: \"siamese\")"), saved)
    }
}

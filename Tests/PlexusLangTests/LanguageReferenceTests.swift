import XCTest
import Foundation
@testable import PlexusLang

/// docs/LANGUAGE.md against the builtin registry: every builtin (and alias) is documented, and the
/// generated reference can be rewritten from the registry on purpose:
/// `PLEXUS_RECORD_DOCS=1 swift test --filter LanguageReferenceTests`.
final class LanguageReferenceTests: XCTestCase {
    static let begin = "<!-- builtins:begin (generated from the registry: PLEXUS_RECORD_DOCS=1 swift test --filter LanguageReferenceTests) -->"
    static let end = "<!-- builtins:end -->"

    var docsURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/LANGUAGE.md")
    }

    func testEveryRegisteredBuiltinHasAHeadingInTheLanguageReference() throws {
        if ProcessInfo.processInfo.environment["PLEXUS_RECORD_DOCS"] == "1" { try record() }
        let text = try String(contentsOf: docsURL, encoding: .utf8)
        let registry = BuiltinRegistry.standard()
        for b in registry.all {
            XCTAssertTrue(text.contains("\n### \(b.name)\n"), "docs/LANGUAGE.md does not document \(b.name); regenerate it with PLEXUS_RECORD_DOCS=1 swift test --filter LanguageReferenceTests")
            XCTAssertTrue(text.contains("`\(b.signatureText)`"), "docs/LANGUAGE.md has an old signature for \(b.name)")
            for alias in b.aliases { XCTAssertTrue(text.contains("`\(alias)`"), "alias \(alias) of \(b.name) is not documented") }
        }
    }

    func testTheReferenceGroupsBuiltinsByCategoryWithTheirExamples() {
        let text = BuiltinRegistry.standard().markdownReference()
        XCTAssertTrue(text.hasPrefix("## Builtins: core\n\n### print\n\n`print(values..., sep: \" \", end: \"\\n\")`\n\n"), String(text.prefix(200)))
        XCTAssertTrue(text.contains("""
            ### dense

            `dense(units, activation: none, use_bias: true, kernel_initializer: "glorot_uniform", bias_initializer: "zeros", name: none)`
            """))
        XCTAssertTrue(text.contains("Also called: `gap`, `global_average_pooling2d`."))
        XCTAssertTrue(text.contains("## Builtins: optimizers"))
    }

    /// Replaces the generated section of docs/LANGUAGE.md with the registry's reference.
    func record() throws {
        let text = try String(contentsOf: docsURL, encoding: .utf8)
        guard let start = text.range(of: Self.begin), let stop = text.range(of: Self.end) else {
            XCTFail("docs/LANGUAGE.md lacks the builtins markers")
            return
        }
        let generated = BuiltinRegistry.standard().markdownReference()
        let updated = String(text[..<start.upperBound]) + "\n\n" + generated + String(text[stop.lowerBound...])
        try updated.write(to: docsURL, atomically: true, encoding: .utf8)
    }
}

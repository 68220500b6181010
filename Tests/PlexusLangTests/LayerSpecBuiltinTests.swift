import PlexusNN
import XCTest
@testable import PlexusLang

/// The layer builtins made from `LayerSpec`s: their parameters are the specs' arguments, and a
/// refused argument is pointed at from the error's data.
final class LayerSpecBuiltinTests: XCTestCase {
    func testEveryBuiltinOfASpecTakesItsArgumentsInOrder() throws {
        let registry = BuiltinRegistry.standard()
        for spec in LayerSpec.all {
            guard let name = spec.builtin else { continue }
            let builtin = try XCTUnwrap(registry.lookup(name), name)
            let s = builtin.signature
            let parameters = s.positional.map(\.name) + (s.variadic.map { [$0.name] } ?? []) + s.keywords.map(\.name)
            XCTAssertEqual(parameters, spec.implementedArguments.map(\.name) + ["name"], name)
            XCTAssertEqual(builtin.help, spec.help)
            for alias in spec.aliases { XCTAssertTrue(registry.lookup(alias) === builtin, alias) }
        }
    }

    func testARefusedArgumentIsPointedAtEvenWhenAnotherArgumentsValueNamesIt() {
        // The name's value "units" also appears in the message; the error says which argument it is.
        XCTAssertEqual(Transcript().run("dense(0, name: \"units\")"), """
            <repl>:1:7: error: dense: units must be positive, got 0
            dense(0, name: "units")
                  ^

            """)
    }

    func testARefusedKeywordArgumentIsPointedAt() {
        XCTAssertEqual(Transcript().run("maxpool(2, strides: 0)"), """
            <repl>:1:21: error: maxpool: strides must be at least 1, got (0, 0)
            maxpool(2, strides: 0)
                                ^

            """)
    }
}

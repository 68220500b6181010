import XCTest
import PlexusNN
import PlexusTensor
@testable import PlexusLang

/// The one converter from the libraries' errors to diagnostics points where the error's data says
/// (the argument it names, the file it could not read), never where its text happens to mention
/// a word.
final class LibraryErrorDiagnosticTests: XCTestCase {
    private func call(_ source: String) throws -> Arguments {
        var args: Arguments?
        let registry = BuiltinRegistry.standard()
        registry.register("probe", category: "test",
                          signature: Signature(positional: [Param("path", .string), Param("momentum", .number)]),
                          help: "test", example: "probe") { a, _ in args = a; return .nothing }
        let t = Transcript(builtins: registry)
        XCTAssertEqual(t.run(source), "")
        return try XCTUnwrap(args)
    }

    func testAnErrorThatNamesItsArgumentPointsAtIt() throws {
        let args = try call("probe(\"a.csv\", 0.5)")
        let d = Diagnostic(TensorError("sgd", "momentum must be in [0, 1], got 0.5", argument: "momentum"), in: args)
        XCTAssertEqual(d.span.start.column, 16)
        XCTAssertEqual(d.message, "sgd: momentum must be in [0, 1], got 0.5")
    }

    func testAWordInTheMessageIsNotWhereItPoints() throws {
        let args = try call("probe(\"a.csv\", 0.5)")
        let d = Diagnostic(TensorError("probe", "the momentum of a.csv is wrong"), in: args)
        XCTAssertEqual(d.span, args.callSpan, "no argument named: the whole call")
    }

    func testAFileErrorPointsAtThePathThatNamedTheFile() throws {
        let args = try call("probe(\"a.csv\", 0.5)")
        let d = Diagnostic(DataError(file: "a.csv", line: 3, "bad"), in: args)
        XCTAssertEqual(d.span.start.column, 7)
        XCTAssertEqual(d.message, "a.csv:3: bad")
    }

    func testARefusedLayerArgumentReadsAsTheBuiltinsWithTheHintAsHelp() throws {
        let args = try call("probe(\"a.csv\", 0)")
        var e = NetworkError(nil, "filters must be positive, got 0", hint: "try 32", argument: "momentum")
        e.layerType = "Conv2D"
        let d = Diagnostic(e, in: args)
        XCTAssertEqual(d.message, "probe: filters must be positive, got 0")
        XCTAssertEqual(d.suggestion, "try 32")
        XCTAssertEqual(d.span.start.column, 16)
    }

    func testSlicingFromANameTheModelLacksPointsAtFrom() {
        let t = Transcript()
        t.run("x = input(4)\nm = model(x, x |> dense(2))")
        XCTAssertEqual(t.run("slice(m, from: \"nope\")"), """
            <repl>:1:16: error: model "functional" has no layer "nope"
            slice(m, from: "nope")
                           ^~~~~~

            """)
    }

    func testRunningALayerOnValuesHintsAtTheBatchOnlyWhenABatchAxisWouldFit() {
        let t = Transcript()
        XCTAssertTrue(t.run("conv2d(2, 3)(randn(8, 8, 1))").contains("help: the first dimension is the batch"))
        let wrongRank = t.run("conv2d(2, 3)(randn(1, 8, 8, 1, 1))")
        XCTAssertTrue(wrongRank.contains("expects 4-D input"), wrongRank)
        XCTAssertFalse(wrongRank.contains("help:"), "a batch axis more would not help a 5-D tensor: \(wrongRank)")
    }
}

import PlexusTensor
import PlexusNN
import XCTest
@testable import PlexusLang

final class BuiltinRegistryTests: XCTestCase {
    /// The standard registry plus a stand-in `dense` and `conv2d`, to exercise the binder as the
    /// layer builtins will.
    func registry() -> BuiltinRegistry {
        let r = BuiltinRegistry.standard()
        r.register("dense", category: "layers",
                   signature: Signature(positional: [Param("units", .integer)],
                                        keywords: [Param("activation", .optional(.callable), default: .nothing),
                                                   Param("stride", .integer, default: .number(1)),
                                                   Param("padding", .choice(["valid", "same"]), default: .string("valid"))]),
                   help: "A stand-in for tests. It returns its units.",
                   example: "dense(10)") { args, _ in .number(Double(try args.int("units"))) }
        r.register("conv2d", category: "layers", signature: Signature(positional: [Param("filters", .integer)]),
                   help: "A stand-in.", example: "conv2d(8)") { _, _ in .nothing }
        return r
    }

    func testTooManyPositionalArgumentsPointsAtTheFirstExtra() {
        let t = Transcript(builtins: registry())
        XCTAssertEqual(t.run("dense(10, 20)"), """
            <repl>:1:11: error: dense expects 1 positional argument (units), got 2
            dense(10, 20)
                      ^~

            """)
    }

    func testUnknownKeywordSuggestsTheClosest() {
        let t = Transcript(builtins: registry())
        XCTAssertEqual(t.run("dense(10, strides: 2)"), """
            <repl>:1:11: error: unknown keyword argument 'strides' for dense; did you mean 'stride'?
            dense(10, strides: 2)
                      ^~~~~~~

            """)
    }

    func testUnknownKeywordWithNoCloseMatchListsTheAcceptedOnes() {
        let t = Transcript(builtins: registry())
        XCTAssertTrue(t.run("dense(10, zzz: 2)").contains(
            "note: dense accepts 'units', 'activation', 'stride', 'padding'"))
    }

    func testMissingArgumentGivesTheArity() {
        let t = Transcript(builtins: registry())
        XCTAssertTrue(t.run("dense()").contains("error: dense expects 1 positional argument (units), got 0"))
        XCTAssertTrue(t.run("dense(stride: 2)").contains("error: dense is missing argument 'units'"))
    }

    func testPositionalParameterMayBeGivenByName() {
        let t = Transcript(builtins: registry())
        XCTAssertEqual(t.run("dense(units: 7)"), "7\n")
    }

    func testArgumentGivenTwiceIsAnError() {
        let t = Transcript(builtins: registry())
        XCTAssertTrue(t.run("dense(1, units: 2)").contains("error: dense got argument 'units' twice, by position and by name"))
    }

    func testWrongKindNamesTheParameterAndTheValue() {
        let t = Transcript(builtins: registry())
        XCTAssertEqual(t.run(#"dense("ten")"#), """
            <repl>:1:7: error: dense argument 'units' expects an integer, got a string ("ten")
            dense("ten")
                  ^~~~~

            """)
        XCTAssertTrue(t.run("dense(2.5)").contains("expects an integer, got a number (2.5)"))
    }

    func testStringChoiceSuggestsTheClosestOption() {
        let t = Transcript(builtins: registry())
        XCTAssertTrue(t.run(#"dense(1, padding: "sam")"#).contains(
            #"error: dense argument 'padding' expects one of "valid", "same", got a string ("sam"); did you mean "same"?"#))
    }

    func testUnknownBuiltinNameSuggestsTheClosest() {
        let t = Transcript(builtins: registry())
        XCTAssertTrue(t.run("conv2D(8)").contains("error: unknown name 'conv2D': did you mean conv2d?"))
    }

    // MARK: Help

    func testHelpListsEveryBuiltinAndCommand() {
        let t = Transcript(builtins: registry())
        let out = t.run(":help")
        for name in ["print", "len", "range", "str", "min", "max", "abs", "dense", "conv2d"] {
            XCTAssertTrue(out.contains("  \(name)("), "missing \(name) in\n\(out)")
        }
        for command in [":help", ":vars", ":reset", ":quit", ":time", ":seed", ":load", ":save"] {
            XCTAssertTrue(out.contains("  \(command)"), "missing \(command)")
        }
        XCTAssertTrue(out.contains("Builtins (layers):"))
    }

    func testHelpEntryShowsSignatureParametersAndExample() {
        let t = Transcript(builtins: registry())
        XCTAssertEqual(t.run(":help len"), """
            len(x)
              The number of elements of a list, tuple or range, or of characters in a string.
            parameters:
              x: a list, tuple, range or string
            example:
              len([1, 2, 3])    # 3

            """)
    }

    func testHelpEntryOfAKeywordBuiltin() {
        let out = Transcript(builtins: registry()).run(":help print")
        XCTAssertTrue(out.hasPrefix("print(values..., sep: \" \", end: \"\\n\")\n"), out)
        XCTAssertTrue(out.contains("  sep: a string (default \" \")\n"))
    }

    func testHelpOfAnUnknownNameSuggestsTheClosest() {
        let t = Transcript(builtins: registry())
        XCTAssertEqual(t.run(":help conv2D"), """
            <repl>:1:1: error: unknown name 'conv2D': did you mean conv2d?
            :help conv2D
            ^~~~~~~~~~~~

            """)
    }

    func testEveryStandardBuiltinHasHelpAndAnExample() {
        for b in BuiltinRegistry.standard().all {
            XCTAssertFalse(b.help.isEmpty, b.name)
            XCTAssertFalse(b.example.isEmpty, b.name)
        }
    }

    // MARK: The generic builtins

    func testPrintWithSeparatorAndEnd() {
        let t = Transcript()
        XCTAssertEqual(t.run(#"print("a", 1, [2], sep: "-", end: "!\n")"#), "a-1-[2]!\n")
        XCTAssertEqual(t.run("print()"), "\n")
    }

    func testLenOfEachKind() {
        let t = Transcript()
        XCTAssertEqual(t.run(#"(len([1, 2]), len((1,)), len(1..10), len("héllo"))"#), "(2, 1, 10, 5)\n")
        XCTAssertTrue(t.run("len(3)").contains("len argument 'x' expects a list, tuple, range or string, got a number (3)"))
    }

    func testRangeCountsLikePython() {
        let t = Transcript()
        XCTAssertEqual(t.run("range(3)"), "0..2\n")
        XCTAssertEqual(t.run("range(2, 5)"), "2..4\n")
        XCTAssertEqual(t.run("for i in range(10, 0, -3) { print(i) }"), "10\n7\n4\n1\n")
        XCTAssertEqual(t.run("len(range(5, 2))"), "0\n")
        XCTAssertTrue(t.run("range(1, 5, 0)").contains("error: range: step must not be zero"))
    }

    func testStrMinMaxAbs() {
        let t = Transcript()
        XCTAssertEqual(t.run(#"str(3) + str(0.5) + str("x")"#), "\"30.5x\"\n")
        XCTAssertEqual(t.run("(min(3, 1, 2), max([4, 9, 2]), max(1..10), min(\"b\", \"a\"))"), "(1, 9, 10, \"a\")\n")
        XCTAssertEqual(t.run("abs(-2.5)"), "2.5\n")
        XCTAssertTrue(t.run("min([])").contains("error: min: needs at least one value"))
        XCTAssertTrue(t.run(#"max(1, "a")"#).contains("error: max: cannot compare"))
    }

    // MARK: Did you mean

    func testEditDistanceCountsASwapAsOneEdit() {
        XCTAssertEqual(editDistance("dnese", "dense"), 1)
        XCTAssertEqual(editDistance("kitten", "sitting"), 3)
        XCTAssertEqual(editDistance("", "abc"), 3)
        XCTAssertEqual(editDistance("same", "same"), 0)
    }

    func testDidYouMeanPicksTheClosestWithinReach() {
        XCTAssertEqual(didYouMean("strides", candidates: ["stride", "padding"]), "stride")
        XCTAssertEqual(didYouMean("conv2D", candidates: ["conv2d", "conv"]), "conv2d")
        XCTAssertEqual(didYouMean("Dense", candidates: ["dense", "Dens"]), "dense")
        XCTAssertNil(didYouMean("optimizer", candidates: ["dense", "conv2d"]))
    }
}

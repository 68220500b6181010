import XCTest
@testable import PlexusLang

final class ParserTests: XCTestCase {
    // MARK: Precedence and associativity

    func testMultiplicationBindsTighterThanAddition() {
        XCTAssertEqual(showExpression("1 + 2 * 3 - 4 % 5"), "((1 + (2 * 3)) - (4 % 5))")
    }

    func testSubtractionIsLeftAssociative() {
        XCTAssertEqual(showExpression("a - b - c"), "((a - b) - c)")
    }

    func testPowerIsRightAssociativeAndBindsTighterThanUnaryMinus() {
        XCTAssertEqual(showExpression("2 ** 3 ** 2"), "(2 ** (3 ** 2))")
        XCTAssertEqual(showExpression("-2 ** 2"), "(-(2 ** 2))")
        XCTAssertEqual(showExpression("2 ** -1"), "(2 ** (-1))")
    }

    func testLogicalOperatorsBelowComparisons() {
        XCTAssertEqual(showExpression("a or b and not c == d"), "(a or (b and (not (c == d))))")
    }

    func testRangeBelowArithmeticAboveComparison() {
        XCTAssertEqual(showExpression("1..n - 1"), "(1..(n - 1))")
        XCTAssertEqual(showExpression("x == 1..2"), "(x == (1..2))")
    }

    func testPipelineIsLowestAndLeftAssociative() {
        XCTAssertEqual(showExpression(#"x |> conv2d(24, 3, padding: "same") |> relu"#),
                       #"((x |> conv2d(24, 3, padding: "same")) |> relu)"#)
        XCTAssertEqual(showExpression("x |> f or g"), "(x |> (f or g))")
    }

    func testPostfixCallIndexMemberChain() {
        XCTAssertEqual(showExpression(#"m.layers[0..36]["conv2d_1"](x, k: 2,)"#),
                       #"m.layers[(0..36)]["conv2d_1"](x, k: 2)"#)
    }

    func testTuplesAndLists() {
        XCTAssertEqual(showExpression("(a,)"), "(a,)")
        XCTAssertEqual(showExpression("(a, b,)"), "(a, b)")
        XCTAssertEqual(showExpression("()"), "()")
        XCTAssertEqual(showExpression("(a)"), "a")
        XCTAssertEqual(showExpression("[1, [2], (3, 4),]"), "[1, [2], (3, 4)]")
    }

    // MARK: Statements

    func testAssignmentAndBothDestructuringForms() {
        let s = parse("x = 1\na, b = e\n(c, (d, f)) = e")
        XCTAssertEqual(s.count, 3)
        guard s.count == 3, case .assign(let t0, _) = s[0].kind, case .assign(let t1, _) = s[1].kind,
              case .assign(let t2, _) = s[2].kind else { return XCTFail("expected three assignments") }
        XCTAssertEqual(t0.names, ["x"])
        XCTAssertEqual(t1.names, ["a", "b"])
        XCTAssertEqual(t2.names, ["c", "d", "f"])
    }

    func testDefWithDefaultsAndReturn() {
        let s = parse("def block(x, filters: 64, k: 3,) {\n  return x |> conv2d(filters, k)\n}")
        guard case .def(let decl) = s.first?.kind else { return XCTFail("expected a def") }
        XCTAssertEqual(decl.name, "block")
        XCTAssertEqual(decl.parameters.map(\.name), ["x", "filters", "k"])
        XCTAssertNil(decl.parameters[0].defaultValue)
        XCTAssertEqual(decl.parameters[1].defaultValue.map(show), "64")
        guard case .return(let e) = decl.body.first?.kind else { return XCTFail("expected a return") }
        XCTAssertEqual(e.map(show), "(x |> conv2d(filters, k))")
    }

    func testElseMayFollowTheBraceOrStartTheNextLine() {
        for source in ["if a { x = 1 } else if b { x = 2 } else { x = 3 }",
                       "if a {\n x = 1\n}\nelse if b {\n x = 2\n}\nelse {\n x = 3\n}"] {
            let s = parse(source)
            XCTAssertEqual(s.count, 1, source)
            guard case .ifElse(_, _, let elseBlock) = s.first?.kind,
                  case .ifElse(_, _, let innerElse) = elseBlock?.first?.kind else { return XCTFail(source) }
            XCTAssertEqual(innerElse?.count, 1, source)
        }
    }

    func testForWithTupleTarget() {
        let s = parse("for i, (a, b) in pairs { print(i) }")
        guard case .forLoop(let target, _, let body) = s.first?.kind else { return XCTFail("expected a for") }
        XCTAssertEqual(target.names, ["i", "a", "b"])
        XCTAssertEqual(body.count, 1)
    }

    func testSemicolonsSeparateStatements() {
        XCTAssertEqual(parse("a = 1; b = 2;; c = 3;").count, 3)
    }

    func testMetaCommandIsAStatement() {
        let s = parse("x = 1\n:seed 42\n")
        guard s.count == 2, case .meta(let name, let argument, let span) = s[1].kind else {
            return XCTFail("expected a meta statement")
        }
        XCTAssertEqual(name, "seed")
        XCTAssertEqual(argument, "42")
        XCTAssertEqual(span.line, 2)
    }

    func testPipelineContinuesOverLines() {
        let s = parse("h = x |>\n  dense(10) |>\n  relu\ny = 2")
        XCTAssertEqual(s.count, 2)
    }

    // MARK: Incomplete input

    func testUnfinishedStatementsAreIncomplete() {
        for source in ["f(1,", "f(1,\n", "[1, 2", "x = 1 +", "x |>", "x |>\n", "def f(x) {\n  return x",
                       "if a { } else", "a,", "for i in 1..3 {", "(((", "if a"] {
            guard case .incomplete = Parser.parse(source) else {
                XCTFail("expected incomplete: \(source.debugDescription)")
                continue
            }
        }
    }

    func testErrorsBeforeTheEndAreNotIncomplete() {
        for source in ["x = )", "f(1 2", "[1, 2 3", "x = 1 +\n)"] {
            guard case .failure = Parser.parse(source) else {
                XCTFail("expected a failure: \(source.debugDescription)")
                continue
            }
        }
    }

    // MARK: Errors, rendered exactly

    func rendered(_ source: String) -> String {
        switch Parser.parse(source, name: "<input>") {
        case .failure(let d), .incomplete(let d): return DiagnosticRenderer.render(d)
        case .complete: return "complete"
        }
    }

    func testExtraClosingParenthesisRendersWithCaret() {
        XCTAssertEqual(rendered("x = (1 + 2))"), """
            <input>:1:12: error: expected end of statement (a newline or ';'), found ')'
            x = (1 + 2))
                       ^

            """)
    }

    func testAssignmentToACallRendersSpanAndHelp() {
        XCTAssertEqual(rendered("y = 2\nf(x) = 3"), """
            <input>:2:1: error: cannot assign to this expression
            f(x) = 3
            ^~~~
            help: the left side of '=' must be a name or a tuple of names; use '==' to compare

            """)
    }

    func testPositionalAfterKeywordPointsAtTheArgument() {
        XCTAssertEqual(rendered("dense(units: 10, relu)"), """
            <input>:1:18: error: positional argument after keyword arguments
            dense(units: 10, relu)
                             ^~~~
            help: put positional arguments first

            """)
    }

    func testChainedComparisonIsAnError() {
        XCTAssertTrue(rendered("1 < x < 3").contains("error: comparisons cannot be chained"))
    }

    func testReturnOutsideAFunctionIsAnError() {
        XCTAssertTrue(rendered("return 1").contains("error: 'return' outside a function"))
    }

    func testMetaCommandInsideABlockIsAnError() {
        XCTAssertTrue(rendered("for i in 1..2 {\n:seed 1\n}").contains("error: meta command ':seed' inside a block"))
    }

    func testIfWithAssignmentSuggestsEquality() {
        XCTAssertTrue(rendered("if x = 1 { }").contains("help: use '==' to compare"))
    }

    func testTenThousandNestedBracketsAreTooDeep() {
        for (open, close) in [("(", ")"), ("[", "]")] {
            let source = String(repeating: open, count: 10_000) + "1" + String(repeating: close, count: 10_000)
            guard case .failure(let d) = Parser.parse(source) else { return XCTFail("expected failure for \(open)") }
            XCTAssertTrue(d.message.hasPrefix("nesting too deep"), d.message)
        }
    }

    func testDeepBlocksUnaryChainsAndLongOperatorChainsAreTooDeep() {
        let sources = [String(repeating: "if true {", count: 5_000),
                       String(repeating: "-", count: 10_000) + "1",
                       "x = 1" + String(repeating: " + 1", count: 30_000),
                       "f" + String(repeating: "()", count: 10_000)]
        for source in sources {
            guard case .failure(let d) = Parser.parse(source) else { return XCTFail("expected failure") }
            XCTAssertTrue(d.message.hasPrefix("nesting too deep"), d.message)
        }
    }

    func testNestingJustUnderTheLimitParses() {
        let n = 150
        let source = String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n)
        XCTAssertEqual(parse(source).count, 1)
    }
}

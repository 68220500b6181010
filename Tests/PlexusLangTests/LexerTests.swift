import XCTest
@testable import PlexusLang

final class LexerTests: XCTestCase {
    func testNumbersIntegerFloatExponentAndUnderscores() throws {
        XCTAssertEqual(try kinds("1 2.5 1e-3 2E+2 1_000"),
                       [.number(1), .number(2.5), .number(0.001), .number(200), .number(1000)])
    }

    func testRangeIsNotLexedAsAFloat() throws {
        XCTAssertEqual(try kinds("1..10"), [.number(1), .dotDot, .number(10)])
    }

    func testStringEscapes() throws {
        XCTAssertEqual(try kinds(#""a\nb\tc\"d\\e""#), [.string("a\nb\tc\"d\\e")])
    }

    func testKeywordsAndIdentifiers() throws {
        XCTAssertEqual(try kinds("def return for in if else and or not true false none conv2d_1 _x"),
                       [.kwDef, .kwReturn, .kwFor, .kwIn, .kwIf, .kwElse, .kwAnd, .kwOr, .kwNot, .kwTrue, .kwFalse,
                        .kwNone, .identifier("conv2d_1"), .identifier("_x")])
    }

    func testEveryOperator() throws {
        XCTAssertEqual(try kinds("+ - * / % ** == != < <= > >= = |> .. . , : ; ( ) [ ] { }"),
                       [.plus, .minus, .star, .slash, .percent, .starStar, .equalEqual, .bangEqual, .less,
                        .lessEqual, .greater, .greaterEqual, .equal, .pipe, .dotDot, .dot, .comma, .colon,
                        .semicolon, .leftParen, .rightParen, .leftBracket, .rightBracket, .leftBrace, .rightBrace])
    }

    func testCommentsRunToEndOfLine() throws {
        XCTAssertEqual(try kinds("x # a comment (\ny"), [.identifier("x"), .newline, .identifier("y")])
    }

    func testNewlinesSuppressedInsideParenthesesAndBrackets() throws {
        XCTAssertEqual(try kinds("f(1,\n2)\n[3\n]"),
                       [.identifier("f"), .leftParen, .number(1), .comma, .number(2), .rightParen, .newline,
                        .leftBracket, .number(3), .rightBracket])
    }

    func testNewlinesKeptInsideBraces() throws {
        XCTAssertEqual(try kinds("{\na\nb\n}"),
                       [.leftBrace, .newline, .identifier("a"), .newline, .identifier("b"), .newline, .rightBrace])
    }

    func testLineContinuesAfterPipeCommaAndBinaryOperator() throws {
        XCTAssertEqual(try kinds("x |>\nf"), [.identifier("x"), .pipe, .identifier("f")])
        XCTAssertEqual(try kinds("a,\nb"), [.identifier("a"), .comma, .identifier("b")])
        XCTAssertEqual(try kinds("1 *\n2"), [.number(1), .star, .number(2)])
        XCTAssertEqual(try kinds("1\n*2"), [.number(1), .newline, .star, .number(2)])
    }

    func testMetaCommandAtLineStartTakesTheRestOfTheLine() throws {
        XCTAssertEqual(try kinds("x = 1\n  :save runs/a b.plx  \ny"),
                       [.identifier("x"), .equal, .number(1), .newline, .meta(name: "save", argument: "runs/a b.plx"),
                        .newline, .identifier("y")])
    }

    func testColonInsideACallIsNotAMetaCommand() throws {
        XCTAssertEqual(try kinds("f(\n:x)"), [.identifier("f"), .leftParen, .colon, .identifier("x"), .rightParen])
    }

    func testSpansCarryLineColumnOffsetAndLength() throws {
        let tokens = try Lexer.tokenize(SourceFile(name: "t", text: "a\n  bcd"))
        let bcd = tokens[2]
        XCTAssertEqual(bcd.lexeme, "bcd")
        XCTAssertEqual(bcd.span.start, SourceLocation(line: 2, column: 3, offset: 4))
        XCTAssertEqual(bcd.span.length, 3)
    }

    func testColumnsCountScalarsNotBytes() throws {
        let tokens = try Lexer.tokenize(SourceFile(name: "t", text: "\"é\" x"))
        XCTAssertEqual(tokens[1].span.column, 5)
        XCTAssertEqual(tokens[1].span.offset, 5)
    }

    func testInvalidUTF8IsADiagnostic() {
        let source = SourceFile(name: "t", bytes: [0x78, 0x20, 0xFF, 0x0A])
        XCTAssertThrowsError(try Lexer.tokenize(source)) { error in
            let d = error as? Diagnostic
            XCTAssertEqual(d?.message, "invalid UTF-8 byte 0xFF in source")
            XCTAssertEqual(d?.span.column, 3)
        }
    }

    func testInvalidUTF8InsideAStringIsADiagnostic() {
        let source = SourceFile(name: "t", bytes: Array("\"a".utf8) + [0xC3, 0x28] + Array("\"".utf8))
        XCTAssertThrowsError(try Lexer.tokenize(source)) { error in
            XCTAssertEqual((error as? Diagnostic)?.message, "invalid UTF-8 byte 0xC3 in string")
        }
    }

    func testUnknownCharacterNamesIt() {
        XCTAssertThrowsError(try kinds("x = 3 @ 4")) { error in
            let d = error as? Diagnostic
            XCTAssertEqual(d?.message, "unexpected character '@' (U+0040)")
            XCTAssertEqual(d?.span.column, 7)
        }
    }

    func testUnterminatedStringStopsAtEndOfLine() {
        XCTAssertThrowsError(try kinds("s = \"abc\nx")) { error in
            XCTAssertEqual((error as? Diagnostic)?.message, "unterminated string")
        }
    }

    func testSingleQuotesSuggestDoubleQuotes() {
        XCTAssertThrowsError(try kinds("'same'")) { error in
            XCTAssertEqual((error as? Diagnostic)?.suggestion, "strings use double quotes: \"text\"")
        }
    }

    func testLetterGluedToNumberIsMalformed() {
        XCTAssertThrowsError(try kinds("2x")) { error in
            XCTAssertEqual((error as? Diagnostic)?.message, "malformed number '2x'")
        }
    }
}

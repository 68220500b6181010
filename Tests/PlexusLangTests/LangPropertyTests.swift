import PlexusTensor
import PlexusNN
import XCTest
import Foundation
@testable import PlexusLang

/// Random and hostile input through lexer, parser and interpreter: every run must end in a status
/// (with a diagnostic when it failed), never a crash or a hang.
final class LangPropertyTests: XCTestCase {
    /// Tokens and fragments to draw from: enough real syntax that many sequences parse and run.
    /// Numbers stay small so that random loops stay short.
    static let vocabulary = [
        "x", "y", "f", "g", "xs", "print", "len", "range", "str", "min", "max", "abs", "nope",
        "0", "1", "2", "3", "2.5", "1e-3", "\"s\"", "\"\\n\"", "true", "false", "none",
        "(", ")", "[", "]", "{", "}", ",", ":", ";", "\n", "|>", "..", ".", "+", "-", "*", "/", "%",
        "**", "==", "!=", "<", "<=", ">", ">=", "=", "def", "return", "for", "in", "if", "else",
        "and", "or", "not", "# c\n", "\n:vars\n", "\n:seed 3\n", "\n:help len\n", "\n:time on\n", "\n:reset\n",
        "\n:quit\n", "\n:nope\n", "x = 1\n", "xs = [1, 2, 3]\n", "def f(a, b: 2) { return a + b }\n",
        "def g(n) { return g(n) }\n", "for i in 1..3 {", "if x == 1 {", "} else {", "f(1, b: 3)", "g(1)",
        "x |> f", "xs[0..1]", "xs[-1]", "(x, y) = ", "a, b = ", "é", "@",
    ]

    func run(_ source: String, allowIncomplete: Bool) {
        let session = Session(output: { _ in }, errors: { _ in })
        let result = session.run(source, allowIncomplete: allowIncomplete)
        switch result.status {
        case .ok, .incomplete:
            break
        case .error:
            XCTAssertFalse(result.diagnostics.isEmpty, "an error without a diagnostic for \(source.debugDescription)")
        }
        for d in result.diagnostics { _ = DiagnosticRenderer.render(d, color: true) }
    }

    func runBytes(_ bytes: [UInt8]) {
        let session = Session(output: { _ in }, errors: { _ in })
        let result = session.run(SourceFile(name: "<bytes>", bytes: bytes), allowIncomplete: false)
        if result.status == .error { XCTAssertFalse(result.diagnostics.isEmpty) }
        for d in result.diagnostics { _ = DiagnosticRenderer.render(d) }
    }

    func testRandomTokenSequencesEndInAValueOrADiagnostic() {
        var random = RandomGenerator(seed: 20_240_601)
        let vocabulary = LangPropertyTests.vocabulary
        for i in 0..<2_500 {
            let count = 1 + random.nextInt(below: 40)
            var source = ""
            for _ in 0..<count {
                source += vocabulary[random.nextInt(below: vocabulary.count)]
                if random.nextInt(below: 3) > 0 { source += " " }
            }
            run(source, allowIncomplete: i % 2 == 0)
        }
    }

    func testRandomProgramsFromTheGrammarEndInAValueOrADiagnostic() {
        var generator = ProgramGenerator(seed: 99)
        for i in 0..<600 {
            var tokens = generator.program()
            // Every third program gets one token dropped or duplicated: near-miss syntax.
            if i % 3 == 0, !tokens.isEmpty {
                let k = generator.random.nextInt(below: tokens.count)
                if generator.random.nextInt(below: 2) == 0 { tokens.remove(at: k) } else { tokens.insert(tokens[k], at: k) }
            }
            run(tokens.joined(separator: " "), allowIncomplete: i % 2 == 0)
        }
    }

    func testRandomByteStringsEndInAValueOrADiagnostic() {
        var random = RandomGenerator(seed: 7)
        let sourceBytes = Array("x=1+2*(3)[]{}\"\\:;,.|>#\n\t é".utf8)
        for _ in 0..<1_500 {
            let count = random.nextInt(below: 120)
            var bytes: [UInt8] = []
            for _ in 0..<count {
                // Mostly source-like bytes, some arbitrary ones (invalid UTF-8 among them).
                bytes.append(random.nextInt(below: 4) == 0 ? UInt8(random.nextInt(below: 256))
                                                           : sourceBytes[random.nextInt(below: sourceBytes.count)])
            }
            runBytes(bytes)
        }
    }

    func testHundredKilobyteLines() {
        var random = RandomGenerator(seed: 3)
        let n = 100_000
        let sources = [
            "x = " + String(repeating: "1 + ", count: n / 4) + "1",
            "[" + String(repeating: "1, ", count: n / 3) + "1]",
            "\"" + String(repeating: "a", count: n) + "\"",
            "# " + String(repeating: "z", count: n),
            String(repeating: "a", count: n),
            (0..<n / 4).map { _ in LangPropertyTests.vocabulary[random.nextInt(below: 20)] }.joined(separator: " "),
        ]
        for source in sources { run(source, allowIncomplete: false) }
    }

    func testTenThousandNestedBrackets() {
        let n = 10_000
        let sources = [
            String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n),
            String(repeating: "[", count: n) + String(repeating: "]", count: n),
            String(repeating: "(", count: n),
            String(repeating: "{", count: n),
            String(repeating: "f(", count: n),
            String(repeating: "if true {", count: n) + String(repeating: "}", count: n),
            String(repeating: "not ", count: n) + "true",
            String(repeating: "x.", count: n) + "y",
            "def f() {" + String(repeating: "def g() {", count: n),
        ]
        for source in sources {
            run(source, allowIncomplete: true)
            run(source, allowIncomplete: false)
        }
    }

    func testNestingJustUnderTheLimitEvaluates() {
        let session = Session(output: { _ in }, errors: { _ in })
        let source = String(repeating: "(", count: 190) + "1" + String(repeating: ")", count: 190)
        XCTAssertEqual(session.run(source).output, "1\n")
    }
}

/// Random programs that follow the grammar (and so reach the interpreter), as token lists.
/// Loops run over literal ranges of at most four elements, so no program runs long.
struct ProgramGenerator {
    var random: RandomGenerator
    let names = ["a", "b", "xs", "f", "g"]

    init(seed: UInt64) { random = RandomGenerator(seed: seed) }

    mutating func pick<T>(_ options: [T]) -> T { options[random.nextInt(below: options.count)] }

    mutating func program() -> [String] {
        // A prelude binds the names most of the time, so more programs run past name lookup.
        var tokens = random.nextInt(below: 4) == 0 ? []
            : ["a = 1; b = 2; xs = [1, 2, 3]; def f(a, b: 1) { return a }; def g(a) { return [a] }", "\n"]
        for _ in 0..<(1 + random.nextInt(below: 5)) {
            tokens += statement(depth: 0)
            tokens.append(pick(["\n", ";"]))
        }
        return tokens
    }

    mutating func statement(depth: Int) -> [String] {
        switch random.nextInt(below: depth < 2 ? 7 : 4) {
        case 0, 1: return [pick(names), "="] + expression(depth: 0)
        case 2: return expression(depth: 0)
        case 3: return ["a", ",", "b", "="] + expression(depth: 0)
        case 4: return ["for", pick(names), "in", "0", "..", pick(["0", "1", "3"]), "{"] + statement(depth: depth + 1) + ["}"]
        case 5:
            return ["if"] + expression(depth: 1) + ["{"] + statement(depth: depth + 1) + ["}", "else", "{"]
                + statement(depth: depth + 1) + ["}"]
        default:
            return ["def", pick(["f", "g"]), "(", "a", ",", "b", ":", "1", ")", "{", "return"] + expression(depth: 1) + ["}"]
        }
    }

    mutating func expression(depth: Int) -> [String] {
        if depth >= 3 || random.nextInt(below: 3) == 0 {
            return [pick(["0", "1", "2", "3", "0.5", "\"s\"", "true", "none", "a", "b", "xs", "f", "len", "str"])]
        }
        let e = { (g: inout ProgramGenerator) in g.expression(depth: depth + 1) }
        switch random.nextInt(below: 9) {
        case 0: return e(&self) + [pick(["+", "-", "*", "/", "%", "**", "==", "<", "and", "or", ".."])] + e(&self)
        case 1: return ["["] + e(&self) + [",", ] + e(&self) + ["]"]
        case 2: return ["("] + e(&self) + [","] + e(&self) + [")"]
        case 3: return [pick(["f", "g", "len", "str", "print", "abs", "max", "range"]), "("] + e(&self) + [")"]
        case 4: return ["f", "(", "1", ",", "b", ":"] + e(&self) + [")"]
        case 5: return e(&self) + ["["] + e(&self) + ["]"]
        case 6: return e(&self) + ["|>", pick(["f", "g", "len", "str", "abs"])]
        case 7: return [pick(["not", "-"])] + e(&self)
        default: return ["("] + e(&self) + [")"]
        }
    }
}

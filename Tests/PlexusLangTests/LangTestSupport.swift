import XCTest
@testable import PlexusLang

/// A session whose output and diagnostics are collected into one transcript, in order.
final class Transcript {
    final class Buffer { var text = "" }
    let buffer: Buffer
    let session: Session

    init(builtins: BuiltinRegistry = .standard()) {
        let buffer = Buffer()
        self.buffer = buffer
        session = Session(builtins: builtins, output: { buffer.text += $0 }, errors: { buffer.text += $0 })
    }

    /// Runs source and returns what it printed (values, print output, rendered diagnostics).
    @discardableResult
    func run(_ source: String, name: String = "<repl>") -> String {
        buffer.text = ""
        session.run(source, name: name)
        return buffer.text
    }

    func status(_ source: String) -> Session.Status {
        session.run(source).status
    }
}

/// The token kinds of a source (without the final `.eof`).
func kinds(_ source: String) throws -> [TokenKind] {
    try Lexer.tokenize(SourceFile(name: "<test>", text: source)).map(\.kind).dropLast()
}

/// Statements of a source that must parse completely.
func parse(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> [Stmt] {
    switch Parser.parse(source, name: "<input>") {
    case .complete(let s): return s
    case .incomplete(let d), .failure(let d):
        XCTFail("expected a complete parse, got:\n\(d)", file: file, line: line)
        return []
    }
}

/// An expression shown fully parenthesised, to check precedence and associativity.
func show(_ e: Expr) -> String {
    switch e.kind {
    case .number(let d): return Value.format(d)
    case .string(let s): return Value.quote(s)
    case .bool(let b): return b ? "true" : "false"
    case .noneLiteral: return "none"
    case .name(let n): return n
    case .tuple(let items): return items.count == 1 ? "(\(show(items[0])),)" : "(" + items.map(show).joined(separator: ", ") + ")"
    case .list(let items): return "[" + items.map(show).joined(separator: ", ") + "]"
    case .unary(_, let x): return "(-\(show(x)))"
    case .binary(let op, let a, let b): return "(\(show(a)) \(op.rawValue) \(show(b)))"
    case .logical(let op, let a, let b): return "(\(show(a)) \(op.rawValue) \(show(b)))"
    case .not(let x): return "(not \(show(x)))"
    case .range(let a, let b): return "(\(show(a))..\(show(b)))"
    case .pipe(let a, let b): return "(\(show(a)) |> \(show(b)))"
    case .call(let f, let args):
        return show(f) + "(" + args.map { ($0.label.map { "\($0): " } ?? "") + show($0.value) }.joined(separator: ", ") + ")"
    case .index(let a, let i): return "\(show(a))[\(show(i))]"
    case .member(let a, let name, _): return "\(show(a)).\(name)"
    }
}

/// The single expression statement of a source, shown fully parenthesised.
func showExpression(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> String {
    let statements = parse(source, file: file, line: line)
    guard statements.count == 1, case .expression(let e) = statements[0].kind else {
        XCTFail("expected one expression statement in \(source)", file: file, line: line)
        return ""
    }
    return show(e)
}

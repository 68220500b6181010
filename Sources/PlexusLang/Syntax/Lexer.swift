/// Turns source bytes into tokens.
///
/// Works on raw UTF-8 bytes so that invalid input (a binary file given to `:load`, a stray byte in a
/// pasted line) becomes a diagnostic rather than a crash. Line structure is decided here:
/// - a NEWLINE token ends a statement, except inside `( )` and `[ ]` (kept inside `{ }`, where it
///   separates statements) and after a token that continues the line (`|>`, `,`, a binary operator);
/// - a line whose first non-blank character is `:` at statement start is a meta command,
///   `:name rest-of-line`, lexed as one token so scripts can contain `:seed 42`.
public struct Lexer {
    let source: SourceFile
    let bytes: [UInt8]
    var index = 0
    var line = 1
    var column = 1
    /// Open brackets, innermost last: `(`, `[` or `{`.
    var brackets: [UInt8] = []
    var tokens: [Token] = []
    /// True until the current line has produced a token (for meta commands).
    var onlyBlanksSoFar = true

    public init(source: SourceFile) {
        self.source = source
        self.bytes = source.bytes
    }

    /// All tokens of a source, ending with `.eof`.
    ///
    /// - Throws: `Diagnostic` at the first malformed token (bad UTF-8, unknown character,
    ///   unterminated string, malformed number).
    public static func tokenize(_ source: SourceFile) throws -> [Token] {
        var lexer = Lexer(source: source)
        return try lexer.run()
    }

    mutating func run() throws -> [Token] {
        // A UTF-8 byte order mark is not part of the program.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        while true {
            skipBlanks()
            guard index < bytes.count else { break }
            let c = bytes[index]
            if c == UInt8(ascii: "#") {
                while let b = peek(), b != UInt8(ascii: "\n") {
                    guard b >= 0x80 else { advance(); continue }
                    guard let (_, length) = decodeScalar(at: index) else {
                        throw error("invalid UTF-8 byte 0x\(hex(b)) in comment", at: location())
                    }
                    advance(length)
                }
                continue
            }
            if c == UInt8(ascii: "\n") {
                lexNewline()
                continue
            }
            if c == UInt8(ascii: ":"), onlyBlanksSoFar, atStatementStart {
                try lexMeta()
            } else {
                try lexToken(c)
            }
            onlyBlanksSoFar = false
        }
        let end = location()
        tokens.append(Token(kind: .eof, lexeme: "", span: SourceSpan(source: source, start: end, length: 0)))
        return tokens
    }

    // MARK: - Positions

    func location() -> SourceLocation { SourceLocation(line: line, column: column, offset: index) }

    func span(from start: SourceLocation) -> SourceSpan {
        SourceSpan(source: source, start: start, length: index - start.offset)
    }

    /// Moves over `count` bytes of one line; columns count scalars, not continuation bytes.
    mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where index < bytes.count {
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
    }

    func peek(_ ahead: Int = 0) -> UInt8? {
        index + ahead < bytes.count ? bytes[index + ahead] : nil
    }

    mutating func skipBlanks() {
        while let c = peek(), c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") {
            advance()
        }
    }

    var insideParensOrBrackets: Bool {
        guard let top = brackets.last else { return false }
        return top != UInt8(ascii: "{")
    }

    var atStatementStart: Bool {
        guard !insideParensOrBrackets else { return false }
        switch tokens.last?.kind {
        case nil, .newline?, .semicolon?, .leftBrace?, .rightBrace?: return true
        default: return false
        }
    }

    func error(_ message: String, at start: SourceLocation, length: Int = 1,
               suggestion: String? = nil) -> Diagnostic {
        Diagnostic(message, at: SourceSpan(source: source, start: start, length: length), suggestion: suggestion)
    }

    // MARK: - Tokens

    mutating func add(_ kind: TokenKind, from start: SourceLocation) {
        let s = span(from: start)
        let lexeme = String(decoding: bytes[start.offset..<index], as: UTF8.self)
        tokens.append(Token(kind: kind, lexeme: lexeme, span: s))
    }

    mutating func lexNewline() {
        let start = location()
        index += 1
        let emit: Bool
        if insideParensOrBrackets {
            emit = false
        } else if let last = tokens.last?.kind {
            emit = last != .newline && !last.continuesLine
        } else {
            emit = false
        }
        if emit {
            tokens.append(Token(kind: .newline, lexeme: "\n",
                                span: SourceSpan(source: source, start: start, length: 1)))
        }
        line += 1
        column = 1
        onlyBlanksSoFar = true
    }

    mutating func lexMeta() throws {
        let start = location()
        advance() // ':'
        let nameStart = index
        while let c = peek(), isIdentifierByte(c) || c == UInt8(ascii: "-") { advance() }
        guard index > nameStart else {
            throw error("expected a command name after ':'", at: start,
                        suggestion: "meta commands look like ':help' or ':seed 42'")
        }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
        var argumentStart = index
        while let c = peek(), c != UInt8(ascii: "\n") {
            if c >= 0x80 {
                let loc = location()
                guard let (_, length) = decodeScalar(at: index) else {
                    throw error("invalid UTF-8 byte 0x\(hex(c))", at: loc)
                }
                advance(length)
            } else {
                advance()
            }
        }
        var argumentEnd = index
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }
        while argumentStart < argumentEnd, isBlank(bytes[argumentStart]) { argumentStart += 1 }
        while argumentEnd > argumentStart, isBlank(bytes[argumentEnd - 1]) { argumentEnd -= 1 }
        let argument = String(decoding: bytes[argumentStart..<argumentEnd], as: UTF8.self)
        add(.meta(name: name, argument: argument), from: start)
    }

    mutating func lexToken(_ c: UInt8) throws {
        let start = location()
        if isDigit(c) { return try lexNumber(start) }
        if isIdentifierStart(c) {
            while let d = peek(), isIdentifierByte(d) { advance() }
            let word = String(decoding: bytes[start.offset..<index], as: UTF8.self)
            add(TokenKind.keywords[word] ?? .identifier(word), from: start)
            return
        }
        if c == UInt8(ascii: "\"") { return try lexString(start) }

        let next = peek(1)
        func two(_ kind: TokenKind) { advance(2); add(kind, from: start) }
        func one(_ kind: TokenKind) { advance(); add(kind, from: start) }
        switch c {
        case UInt8(ascii: "+"): one(.plus)
        case UInt8(ascii: "-"): one(.minus)
        case UInt8(ascii: "*"): next == UInt8(ascii: "*") ? two(.starStar) : one(.star)
        case UInt8(ascii: "/"): next == UInt8(ascii: "/") ? two(.slashSlash) : one(.slash)
        case UInt8(ascii: "%"): one(.percent)
        case UInt8(ascii: "="): next == UInt8(ascii: "=") ? two(.equalEqual) : one(.equal)
        case UInt8(ascii: "<"): next == UInt8(ascii: "=") ? two(.lessEqual) : one(.less)
        case UInt8(ascii: ">"): next == UInt8(ascii: "=") ? two(.greaterEqual) : one(.greater)
        case UInt8(ascii: "."): next == UInt8(ascii: ".") ? two(.dotDot) : one(.dot)
        case UInt8(ascii: ","): one(.comma)
        case UInt8(ascii: ":"): one(.colon)
        case UInt8(ascii: ";"): one(.semicolon)
        case UInt8(ascii: "("): brackets.append(c); one(.leftParen)
        case UInt8(ascii: "["): brackets.append(c); one(.leftBracket)
        case UInt8(ascii: "{"): brackets.append(c); one(.leftBrace)
        case UInt8(ascii: ")"): _ = brackets.popLast(); one(.rightParen)
        case UInt8(ascii: "]"): _ = brackets.popLast(); one(.rightBracket)
        case UInt8(ascii: "}"): _ = brackets.popLast(); one(.rightBrace)
        case UInt8(ascii: "!"):
            if next == UInt8(ascii: "=") { two(.bangEqual); return }
            throw error("unexpected character '!'", at: start, suggestion: "use 'not' to negate a condition")
        case UInt8(ascii: "|"):
            if next == UInt8(ascii: ">") { two(.pipe); return }
            if next == UInt8(ascii: "|") {
                throw error("unexpected '||'", at: start, length: 2, suggestion: "use 'or'")
            }
            throw error("unexpected character '|'", at: start, suggestion: "the pipeline operator is '|>'")
        case UInt8(ascii: "&"):
            throw error("unexpected character '&'", at: start, suggestion: "use 'and'")
        case UInt8(ascii: "'"):
            throw error("unexpected character \"'\"", at: start, suggestion: "strings use double quotes: \"text\"")
        default:
            throw unknownCharacter(start)
        }
    }

    func unknownCharacter(_ start: SourceLocation) -> Diagnostic {
        guard let (scalar, length) = decodeScalar(at: index) else {
            return error("invalid UTF-8 byte 0x\(hex(bytes[index])) in source", at: start)
        }
        let shown: String
        if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
            shown = "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
        } else {
            shown = "'\(Character(scalar))' (U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4) + ")"
        }
        return error("unexpected character \(shown)", at: start, length: length)
    }

    mutating func lexNumber(_ start: SourceLocation) throws {
        func digits() { while let d = peek(), isDigit(d) || d == UInt8(ascii: "_") { advance() } }
        digits()
        if peek() == UInt8(ascii: "."), let d = peek(1), isDigit(d) {
            advance()
            digits()
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var ahead = 1
            if let sign = peek(1), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { ahead = 2 }
            if let d = peek(ahead), isDigit(d) {
                advance(ahead)
                digits()
            }
        }
        // A letter glued to a number (`2x`, `1e`) is a typo, not two tokens.
        if let d = peek(), isIdentifierByte(d) {
            while let d = peek(), isIdentifierByte(d) { advance() }
            let text = String(decoding: bytes[start.offset..<index], as: UTF8.self)
            throw error("malformed number '\(text)'", at: start, length: index - start.offset)
        }
        let text = String(decoding: bytes[start.offset..<index], as: UTF8.self)
        guard let value = Double(text.replacingUnderscores()), value.isFinite else {
            throw error("number '\(text)' is out of range", at: start, length: index - start.offset)
        }
        add(.number(value), from: start)
    }

    mutating func lexString(_ start: SourceLocation) throws {
        advance() // opening quote
        var decoded: [UInt8] = []
        while true {
            guard let c = peek(), c != UInt8(ascii: "\n") else {
                throw error("unterminated string", at: start, length: index - start.offset,
                            suggestion: "close the string with '\"' on the same line")
            }
            if c == UInt8(ascii: "\"") { advance(); break }
            if c == UInt8(ascii: "\\") {
                let escapeStart = location()
                advance()
                guard let e = peek(), e != UInt8(ascii: "\n") else {
                    throw error("unterminated string", at: start, length: index - start.offset)
                }
                switch e {
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "\""): decoded.append(0x22)
                case UInt8(ascii: "\\"): decoded.append(0x5C)
                default:
                    let length = decodeScalar(at: index)?.length ?? 1
                    throw error("unknown escape sequence in string", at: escapeStart, length: 1 + length,
                                suggestion: "the escapes are \\n \\t \\\" and \\\\")
                }
                advance()
                continue
            }
            if c >= 0x80 {
                guard let (_, length) = decodeScalar(at: index) else {
                    throw error("invalid UTF-8 byte 0x\(hex(c)) in string", at: location())
                }
                decoded.append(contentsOf: bytes[index..<index + length])
                advance(length)
                continue
            }
            decoded.append(c)
            advance()
        }
        add(.string(String(decoding: decoded, as: UTF8.self)), from: start)
    }

    // MARK: - Bytes

    /// Decodes one well-formed UTF-8 scalar at `i` (no overlongs, surrogates or values past U+10FFFF).
    func decodeScalar(at i: Int) -> (Unicode.Scalar, length: Int)? {
        guard i < bytes.count else { return nil }
        let b0 = UInt32(bytes[i])
        if b0 < 0x80 { return Unicode.Scalar(b0).map { ($0, 1) } }
        let length: Int, initial: UInt32, minimum: UInt32
        switch b0 {
        case 0xC2...0xDF: (length, initial, minimum) = (2, b0 & 0x1F, 0x80)
        case 0xE0...0xEF: (length, initial, minimum) = (3, b0 & 0x0F, 0x800)
        case 0xF0...0xF4: (length, initial, minimum) = (4, b0 & 0x07, 0x10000)
        default: return nil
        }
        guard i + length <= bytes.count else { return nil }
        var value = initial
        for k in 1..<length {
            let b = UInt32(bytes[i + k])
            guard b & 0xC0 == 0x80 else { return nil }
            value = value << 6 | (b & 0x3F)
        }
        guard value >= minimum, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }
}

func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
func isIdentifierStart(_ c: UInt8) -> Bool {
    (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
        || c == UInt8(ascii: "_")
}
func isIdentifierByte(_ c: UInt8) -> Bool { isIdentifierStart(c) || isDigit(c) }
func hex(_ b: UInt8) -> String { String(b, radix: 16, uppercase: true).leftPadded(to: 2) }

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
    func replacingUnderscores() -> String { String(unicodeScalars.filter { $0 != "_" }) }
}

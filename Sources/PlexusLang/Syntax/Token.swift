/// What a token is. Literals and meta commands carry their decoded value so the parser never
/// re-reads source text.
public enum TokenKind: Equatable, Sendable {
    // Literals and names.
    case number(Double)
    case string(String)
    case identifier(String)
    /// A meta command line, `:name rest-of-line` (the argument is trimmed raw text).
    case meta(name: String, argument: String)

    // Keywords.
    case kwDef, kwReturn, kwFor, kwIn, kwIf, kwElse, kwAnd, kwOr, kwNot, kwTrue, kwFalse, kwNone, kwTry, kwCatch

    // Operators and punctuation.
    case plus, minus, star, slash, slashSlash, percent, starStar
    case equalEqual, bangEqual, less, lessEqual, greater, greaterEqual
    case equal, pipe, dotDot, dot, comma, colon, semicolon
    case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace

    /// The end of a statement (suppressed inside `( )` and `[ ]` and after a continuation token).
    case newline
    case eof

    /// The keywords, by spelling.
    public static let keywords: [String: TokenKind] = [
        "def": .kwDef, "return": .kwReturn, "for": .kwFor, "in": .kwIn, "if": .kwIf,
        "else": .kwElse, "and": .kwAnd, "or": .kwOr, "not": .kwNot, "true": .kwTrue,
        "false": .kwFalse, "none": .kwNone, "try": .kwTry, "catch": .kwCatch,
    ]

    /// A token after which a line break does not end the statement: `|>`, `,` and binary operators.
    public var continuesLine: Bool {
        switch self {
        case .plus, .minus, .star, .slash, .slashSlash, .percent, .starStar, .equalEqual, .bangEqual, .less,
             .lessEqual, .greater, .greaterEqual, .equal, .pipe, .dotDot, .dot, .comma, .kwAnd, .kwOr,
             .kwNot:
            return true
        default:
            return false
        }
    }

    /// How the token reads in an error message ("expected ')', found 'x'").
    public var display: String {
        switch self {
        case .number: return "number"
        case .string: return "string"
        case .identifier(let name): return "'\(name)'"
        case .meta(let name, _): return "':\(name)'"
        case .newline: return "end of line"
        case .eof: return "end of input"
        default: return "'\(spelling)'"
        }
    }

    /// The source spelling of a keyword, operator or punctuation token.
    public var spelling: String {
        switch self {
        case .number(let v): return "\(v)"
        case .string(let s): return "\"\(s)\""
        case .identifier(let s): return s
        case .meta(let name, let arg): return ":\(name) \(arg)"
        case .kwDef: return "def"
        case .kwReturn: return "return"
        case .kwFor: return "for"
        case .kwIn: return "in"
        case .kwIf: return "if"
        case .kwElse: return "else"
        case .kwTry: return "try"
        case .kwCatch: return "catch"
        case .kwAnd: return "and"
        case .kwOr: return "or"
        case .kwNot: return "not"
        case .kwTrue: return "true"
        case .kwFalse: return "false"
        case .kwNone: return "none"
        case .plus: return "+"
        case .minus: return "-"
        case .star: return "*"
        case .slash: return "/"
        case .slashSlash: return "//"
        case .percent: return "%"
        case .starStar: return "**"
        case .equalEqual: return "=="
        case .bangEqual: return "!="
        case .less: return "<"
        case .lessEqual: return "<="
        case .greater: return ">"
        case .greaterEqual: return ">="
        case .equal: return "="
        case .pipe: return "|>"
        case .dotDot: return ".."
        case .dot: return "."
        case .comma: return ","
        case .colon: return ":"
        case .semicolon: return ";"
        case .leftParen: return "("
        case .rightParen: return ")"
        case .leftBracket: return "["
        case .rightBracket: return "]"
        case .leftBrace: return "{"
        case .rightBrace: return "}"
        case .newline: return "\\n"
        case .eof: return "<eof>"
        }
    }
}

/// A token: its kind, its exact source text and where it is.
public struct Token: Equatable, Sendable {
    public var kind: TokenKind
    public var lexeme: String
    public var span: SourceSpan

    public init(kind: TokenKind, lexeme: String, span: SourceSpan) {
        self.kind = kind
        self.lexeme = lexeme
        self.span = span
    }
}

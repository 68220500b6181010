/// The syntax tree: plain enums and structs, every node with the span of source it came from.

/// An expression node.
public struct Expr: Equatable {
    public var kind: ExprKind
    public var span: SourceSpan

    public init(_ kind: ExprKind, _ span: SourceSpan) {
        self.kind = kind
        self.span = span
    }
}

public indirect enum ExprKind: Equatable {
    case number(Double)
    case string(String)
    case bool(Bool)
    /// The literal `none` (named apart from `Optional.none`, which `.none` would silently mean on an
    /// optional `ExprKind`).
    case noneLiteral
    case name(String)
    /// `(a, b)`, `(a,)`, `()`, and a bare `a, b` at statement level.
    case tuple([Expr])
    case list([Expr])
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    /// `and` / `or`, which evaluate their right side only when needed.
    case logical(LogicalOperator, Expr, Expr)
    case not(Expr)
    /// `a..b`, both ends included.
    case range(Expr, Expr)
    /// `x |> f` means `f(x)`; kept apart from calls so errors can say "in a pipeline".
    case pipe(Expr, Expr)
    case call(Expr, [Argument])
    case index(Expr, Expr)
    case member(Expr, name: String, nameSpan: SourceSpan)
}

public enum UnaryOperator: String, Equatable, Sendable { case negate = "-" }

public enum BinaryOperator: String, Equatable, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", remainder = "%", power = "**"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="

    var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
        default: return false
        }
    }
}

public enum LogicalOperator: String, Equatable, Sendable { case and, or }

/// One argument of a call: positional (`label == nil`) or keyword (`name: value`).
public struct Argument: Equatable {
    public var label: String?
    public var labelSpan: SourceSpan?
    public var value: Expr

    public init(label: String? = nil, labelSpan: SourceSpan? = nil, value: Expr) {
        self.label = label
        self.labelSpan = labelSpan
        self.value = value
    }

    /// From the label (if any) to the end of the value.
    public var span: SourceSpan { labelSpan.map { $0.through(value.span) } ?? value.span }
}

/// A statement node.
public struct Stmt: Equatable {
    public var kind: StmtKind
    public var span: SourceSpan

    public init(_ kind: StmtKind, _ span: SourceSpan) {
        self.kind = kind
        self.span = span
    }
}

public indirect enum StmtKind: Equatable {
    case expression(Expr)
    /// `x = e`, `a, b = e`, `(a, b) = e`.
    case assign(Target, Expr)
    case def(FunctionDecl)
    case forLoop(Target, Expr, body: [Stmt])
    /// `else if` is an `if` statement alone in the else block.
    case ifElse(Expr, then: [Stmt], else: [Stmt]?)
    case `return`(Expr?)
    /// `try { body }`: an error in the body is reported and the program goes on after the block;
    /// `try { body } catch e { handler }`: the handler runs instead, with `e` bound to the message.
    case tryCatch(body: [Stmt], catch: CatchClause?)
    /// `:name rest-of-line`; only at top level.
    case meta(name: String, argument: String, span: SourceSpan)
}

/// `catch [NAME] { handler }`.
public struct CatchClause: Equatable {
    /// The name bound to the error's message, if any.
    public var name: String?
    public var nameSpan: SourceSpan?
    public var handler: [Stmt]

    public init(name: String?, nameSpan: SourceSpan?, handler: [Stmt]) {
        self.name = name
        self.nameSpan = nameSpan
        self.handler = handler
    }
}

extension Stmt {
    /// A meta command (`:seed 1`), which `:time on` does not time.
    var isMeta: Bool {
        if case .meta = kind { return true }
        return false
    }
}

/// What an assignment or a `for` binds: a name, or a tuple of targets to destructure.
public indirect enum Target: Equatable {
    case name(String, SourceSpan)
    case tuple([Target], SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .name(_, let s), .tuple(_, let s): return s
        }
    }

    /// The names bound, in order.
    public var names: [String] {
        switch self {
        case .name(let n, _): return [n]
        case .tuple(let items, _): return items.flatMap(\.names)
        }
    }
}

/// `def name(p1, p2: default) { body }`.
public struct FunctionDecl: Equatable {
    public var name: String
    public var nameSpan: SourceSpan
    public var parameters: [Parameter]
    public var body: [Stmt]
    public var span: SourceSpan

    public init(name: String, nameSpan: SourceSpan, parameters: [Parameter], body: [Stmt], span: SourceSpan) {
        self.name = name
        self.nameSpan = nameSpan
        self.parameters = parameters
        self.body = body
        self.span = span
    }
}

/// A `def` parameter; a default makes it optional (`p: default`).
public struct Parameter: Equatable {
    public var name: String
    public var span: SourceSpan
    public var defaultValue: Expr?

    public init(name: String, span: SourceSpan, defaultValue: Expr? = nil) {
        self.name = name
        self.span = span
        self.defaultValue = defaultValue
    }
}

import PlexusTensor
/// One argument of a layer type, declared once beside the layer: its Keras name, kind, default,
/// range and a line of documentation. The language's builtin (its parameters, defaults, `:help`
/// and keyword completion), Keras's config reader and writer, `config`, copies and clones all
/// read this declaration.
public struct ArgumentSpec: Sendable {
    /// The range a value must be in, checked when a layer's arguments are made.
    public enum Check: Sendable {
        /// No range beyond the kind.
        case any
        /// An integer or a size above 0 (and no larger than `maximumDimension`); a number above 0.
        case positive
        /// Sizes or sides of 0 or more (and no larger than `maximumDimension`).
        case nonNegative
        /// A rule of its own: returns what is wrong with the value ("must be below 1, got 1.5").
        case custom(@Sendable (ArgumentValue) -> String?)
    }

    /// Keras's name, also the language's keyword (`kernel_size`).
    public let name: String
    public let kind: ArgumentKind
    /// Whether the builtin takes it by position (`conv2d(32, 3)`); it can still be named.
    public let positional: Bool
    /// Whether the builtin takes it as the rest of its positional arguments, or as one list
    /// (`permute(2, 1)`, `permute([2, 1])`); a list of integers.
    public let variadic: Bool
    /// Keras's default; `nil` when the argument is required.
    public let defaultValue: ArgumentValue?
    /// Whether `none` is a value (Keras's `None`): `output_padding`, pooling `strides`.
    public let optional: Bool
    public let check: Check
    /// One line for the reference: what the argument decides.
    public let doc: String
    /// For an argument Plexus does not implement: the one value accepted (read from Keras files,
    /// written to them). Such an argument is not a keyword of the builtin.
    public let fixedValue: ArgumentValue?

    /// An argument Plexus implements.
    public init(_ name: String, _ kind: ArgumentKind, positional: Bool = false, variadic: Bool = false,
                default defaultValue: ArgumentValue? = nil, optional: Bool = false, check: Check = .any, doc: String) {
        self.name = name
        self.kind = kind
        self.positional = positional
        self.variadic = variadic
        self.defaultValue = optional ? (defaultValue ?? ArgumentValue.none) : defaultValue
        self.optional = optional
        self.check = check
        self.doc = doc
        self.fixedValue = nil
    }

    private init(fixed name: String, _ value: ArgumentValue) {
        self.name = name
        self.kind = .integer
        self.positional = false
        self.variadic = false
        self.defaultValue = value
        self.optional = true
        self.check = .any
        self.doc = "Keras's argument, accepted only at \(value)"
        self.fixedValue = value
    }

    /// A Keras argument Plexus does not have, accepted (and written on export) only at `value`.
    public static func fixed(_ name: String, _ value: ArgumentValue) -> ArgumentSpec { ArgumentSpec(fixed: name, value) }

    /// Whether the argument is one Plexus implements (not a `fixed` Keras-only one).
    public var isImplemented: Bool { fixedValue == nil }

    /// Whether the argument must be given.
    public var isRequired: Bool { defaultValue == nil }

    /// Throws unless `value` is of the argument's kind and in its range.
    func validate(_ value: ArgumentValue, of typeName: String) throws {
        if value == .none {
            guard optional else { throw LayerArgument.error(typeName, name, "\(name) must be given") }
            return
        }
        guard value.fits(kind) else {
            throw LayerArgument.error(typeName, name, "\(name) expects \(kind.phrase), got \(value)")
        }
        switch (check, value) {
        case (.any, _): return
        case (.positive, .int(let n)): try checkSize(n, name, of: typeName)
        case (.positive, .size2D(let s)): try s.validate(name, of: typeName)
        case (.positive, .number(let d)):
            guard d > 0 else { throw LayerArgument.error(typeName, name, "\(name) must be positive, got \(formatFloat(Float(d)))") }
        case (.nonNegative, .size2D(let s)): try s.validate(name, of: typeName, minimum: 0)
        case (.nonNegative, .sides(let s)):
            guard min(s.top, s.bottom, s.left, s.right) >= 0, max(s.top, s.bottom, s.left, s.right) <= maximumDimension else {
                throw LayerArgument.error(typeName, name, "\(name) must not be negative, got \(s)")
            }
        case (.custom(let rule), _):
            if let problem = rule(value) { throw LayerArgument.error(typeName, name, "\(name) \(problem)") }
        default:
            assertionFailure("invariant: check \(check) does not apply to \(value) of \(typeName).\(name)")
        }
    }
}

extension ArgumentKind {
    /// What the kind accepts, for messages: "an integer", "an initializer".
    public var phrase: String {
        switch self {
        case .integer: return "an integer"
        case .number: return "a number"
        case .bool: return "true or false"
        case .size2D: return "an integer or a pair of integers"
        case .padding: return "\"valid\" or \"same\""
        case .activation: return "an activation"
        case .initializer: return "an initializer"
        case .choice(let xs): return "one of " + xs.map { "\"\($0)\"" }.joined(separator: ", ")
        case .axis: return "an integer"
        case .axes: return "an integer or a list of integers"
        case .integers: return "a list of integers"
        case .dimensions: return "a list of integers or none"
        case .sides2D: return "an integer, (h, w) or ((top, bottom), (left, right))"
        }
    }
}

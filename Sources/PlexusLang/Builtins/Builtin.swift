import PlexusNN
import Foundation
/// A parameter of a builtin (or of a user `def`): its name, what it accepts, and its default
/// (`nil` when the argument is required).
public struct Param {
    public var name: String
    public var kind: ValueKind
    public var defaultValue: Value?
    /// One line on what the argument decides, shown by `:help` and the reference (a layer's
    /// arguments take theirs from its `LayerSpec`).
    public var doc: String?

    public init(_ name: String, _ kind: ValueKind = .any, default defaultValue: Value? = nil, doc: String? = nil) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.doc = doc
    }

    public var isRequired: Bool { defaultValue == nil }
}

/// How a callable takes its arguments, read by the one binder (`bind`) that checks every call.
///
/// Positional parameters may also be passed by name (`dense(units: 10)`, as in Keras); a variadic
/// parameter collects the remaining positional arguments (`print(a, b, c)`), or takes one value by
/// name (`input(shape: (28, 28, 1))`); keyword parameters can only be passed by name.
public struct Signature {
    public var positional: [Param]
    public var variadic: Param?
    public var keywords: [Param]

    public init(positional: [Param] = [], variadic: Param? = nil, keywords: [Param] = []) {
        self.positional = positional
        self.variadic = variadic
        self.keywords = keywords
    }

    /// `dense(units, activation: none)`, `range(start, [stop], [step])`, `print(values..., sep: " ")`.
    public func display(name: String) -> String {
        var parts = positional.map { $0.isRequired ? $0.name : "[\($0.name)]" }
        if let v = variadic { parts.append("\(v.name)...") }
        parts += keywords.map { k in
            k.defaultValue.map { "\(k.name): \($0.repr)" } ?? "\(k.name):"
        }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }

    /// "1 positional argument (units)", "1 to 3 positional arguments (start, stop, step)".
    func arityPhrase() -> String {
        let required = positional.filter(\.isRequired).count
        let total = positional.count
        var names = positional.map(\.name)
        if let v = variadic { names.append("\(v.name)...") }
        let list = names.isEmpty ? "" : " (\(names.joined(separator: ", ")))"
        if variadic != nil {
            return "at least \(required) positional argument\(required == 1 ? "" : "s")\(list)"
        }
        if total == 0 { return "no positional arguments" }
        if required == total { return "\(total) positional argument\(total == 1 ? "" : "s")\(list)" }
        return "\(required) to \(total) positional arguments\(list)"
    }
}

/// One evaluated argument at a call site.
public struct CallArgument {
    public var label: String?
    public var labelSpan: SourceSpan?
    public var value: Value
    /// The argument's value expression.
    public var span: SourceSpan

    public init(label: String? = nil, labelSpan: SourceSpan? = nil, value: Value, span: SourceSpan) {
        self.label = label
        self.labelSpan = labelSpan
        self.value = value
        self.span = span
    }
}

/// The arguments of a call after binding: every parameter has a value (given or default), of the
/// kind its signature asks for.
public struct Arguments {
    /// The callee's name, for messages.
    public let callee: String
    /// The whole call expression.
    public let callSpan: SourceSpan
    public internal(set) var values: [String: Value] = [:]
    var spans: [String: SourceSpan] = [:]
    /// The values gathered by a variadic parameter, and where each was written.
    public internal(set) var variadic: [Value] = []
    public internal(set) var variadicSpans: [SourceSpan] = []

    /// The value of a parameter (`none` for an unknown name: signatures guarantee every parameter).
    public subscript(_ name: String) -> Value { values[name] ?? .nothing }

    /// Where the argument for `name` was written, or the call when it took its default.
    public func span(of name: String) -> SourceSpan { spans[name] ?? callSpan }

    /// A path argument of a builtin that reads a file: a relative path in a script is looked for
    /// beside the script first, then in the working directory (as `:load` does), so a script and
    /// its data travel together and run from any directory. At the prompt, the working directory.
    public func readPath(_ name: String) throws -> String {
        let path = try string(name)
        let script = callSpan.source.name
        guard !path.hasPrefix("/"), !path.hasPrefix("~"), !script.hasPrefix("<") else { return path }
        let folder = NSString(string: script).deletingLastPathComponent
        guard !folder.isEmpty else { return path }
        let beside = NSString(string: folder).appendingPathComponent(path)
        return FileManager.default.fileExists(atPath: beside) ? beside : path
    }

    /// An error about one argument, pointing at it: `"\(callee): \(message)"`.
    public func error(_ message: String, at name: String? = nil, suggestion: String? = nil) -> Diagnostic {
        Diagnostic("\(callee): \(message)", at: name.map { span(of: $0) } ?? callSpan, suggestion: suggestion)
    }

    public func number(_ name: String) throws -> Double {
        guard case .number(let d) = self[name] else { throw kindError(name, "a number") }
        return d
    }

    public func int(_ name: String) throws -> Int {
        guard let i = self[name].integer else { throw kindError(name, "an integer") }
        return i
    }

    public func string(_ name: String) throws -> String {
        guard case .string(let s) = self[name] else { throw kindError(name, "a string") }
        return s
    }

    public func bool(_ name: String) throws -> Bool {
        guard case .bool(let b) = self[name] else { throw kindError(name, "true or false") }
        return b
    }

    /// True when the parameter holds `none` (an optional argument left out).
    public func isNone(_ name: String) -> Bool {
        if case .nothing = self[name] { return true }
        return false
    }

    func kindError(_ name: String, _ expected: String) -> Diagnostic {
        Diagnostic("\(callee) argument '\(name)' expects \(expected), got \(self[name].kindAndValue)", at: span(of: name))
    }
}

extension Signature {
    /// Matches a call's arguments to the parameters and checks their kinds.
    ///
    /// - Throws: a `Diagnostic` pointing at the offending argument: too many positional arguments,
    ///   an unknown keyword (with "did you mean"), an argument given twice, a missing argument, or a
    ///   value of the wrong kind.
    public func bind(_ args: [CallArgument], callee: String, callSpan: SourceSpan) throws -> Arguments {
        var bound = Arguments(callee: callee, callSpan: callSpan)
        let positionalArgs = args.filter { $0.label == nil }
        if variadic == nil, positionalArgs.count > positional.count {
            let extra = positionalArgs[positional.count]
            throw Diagnostic("\(callee) expects \(arityPhrase()), got \(positionalArgs.count)", at: extra.span)
        }
        for (i, arg) in positionalArgs.enumerated() {
            if i < positional.count {
                bound.values[positional[i].name] = arg.value
                bound.spans[positional[i].name] = arg.span
            } else {
                bound.variadic.append(arg.value)
                bound.variadicSpans.append(arg.span)
            }
        }
        var sawKeyword = false
        for arg in args {
            guard let label = arg.label else { continue }
            sawKeyword = true
            let labelSpan = arg.labelSpan ?? arg.span
            // A variadic parameter by name takes one value, as Keras's Input(shape=(28, 28, 1)).
            if let v = variadic, label == v.name, !positional.contains(where: { $0.name == label }) {
                guard bound.variadic.isEmpty else {
                    throw Diagnostic("\(callee) got argument '\(label)' twice, by position and by name", at: labelSpan)
                }
                bound.variadic = [arg.value]
                bound.variadicSpans = [arg.span]
                continue
            }
            guard positional.contains(where: { $0.name == label }) || keywords.contains(where: { $0.name == label }) else {
                let candidates = positional.map(\.name) + (variadic.map { [$0.name] } ?? []) + keywords.map(\.name)
                if let guess = didYouMean(label, candidates: candidates) {
                    throw Diagnostic("unknown keyword argument '\(label)' for \(callee); did you mean '\(guess)'?", at: labelSpan)
                }
                let accepted = candidates.isEmpty ? "\(callee) takes no keyword arguments"
                    : "\(callee) accepts " + candidates.map { "'\($0)'" }.joined(separator: ", ")
                throw Diagnostic("unknown keyword argument '\(label)' for \(callee)", at: labelSpan,
                                 notes: [Diagnostic.Note(accepted)])
            }
            if bound.values[label] != nil {
                throw Diagnostic("\(callee) got argument '\(label)' twice, by position and by name", at: labelSpan)
            }
            bound.values[label] = arg.value
            bound.spans[label] = arg.span
        }
        for p in positional where bound.values[p.name] == nil {
            guard let d = p.defaultValue else {
                if !sawKeyword {
                    throw Diagnostic("\(callee) expects \(arityPhrase()), got \(positionalArgs.count)", at: callSpan)
                }
                throw Diagnostic("\(callee) is missing argument '\(p.name)'", at: callSpan)
            }
            bound.values[p.name] = d
        }
        for k in keywords where bound.values[k.name] == nil {
            guard let d = k.defaultValue else {
                throw Diagnostic("\(callee) is missing keyword argument '\(k.name):'", at: callSpan)
            }
            bound.values[k.name] = d
        }
        try checkKinds(of: bound)
        return bound
    }

    func checkKinds(of bound: Arguments) throws {
        for p in positional + keywords {
            let v = bound[p.name]
            if !p.kind.matches(v) { throw kindMismatch(p, v, bound) }
        }
        if let v = variadic {
            for (value, span) in zip(bound.variadic, bound.variadicSpans) where !v.kind.matches(value) {
                throw Diagnostic("\(bound.callee) argument '\(v.name)' expects \(v.kind.name), got \(value.kindAndValue)", at: span)
            }
        }
    }

    func kindMismatch(_ p: Param, _ v: Value, _ bound: Arguments) -> Diagnostic {
        var message = "\(bound.callee) argument '\(p.name)' expects \(p.kind.name), got \(v.kindAndValue)"
        if case .string(let s) = v, let choices = p.kind.choices, let guess = didYouMean(s, candidates: choices) {
            message += "; did you mean \(Value.quote(guess))?"
        }
        return Diagnostic(message, at: bound.span(of: p.name))
    }
}

/// The signature of a builtin as the implementation sees it: bound, checked arguments and the
/// interpreter (for output, the random generator, and calling functions passed as arguments).
public typealias BuiltinImplementation = (Arguments, Interpreter) throws -> Value

/// A builtin function: everything about it (name, signature, help, example, implementation) is
/// given in the one `register` call that defines it, so `:help` and argument checking can never
/// disagree with what the builtin does.
public final class Builtin {
    public let name: String
    public let aliases: [String]
    /// The `:help` section it is listed under ("core", "layers", "training"...).
    public let category: String
    public let signature: Signature
    /// One paragraph: what it is for and what it returns.
    public let help: String
    /// A line (or a few) of Plexus showing a call and its result.
    public let example: String
    public let implementation: BuiltinImplementation
    /// What the bare name evaluates to when it is not a function value: activations are values
    /// (`activation: relu`, `x |> relu`) that are also documented and called as builtins.
    public internal(set) var value: Value?

    public init(name: String, aliases: [String] = [], category: String, signature: Signature, help: String,
                example: String, implementation: @escaping BuiltinImplementation) {
        self.name = name
        self.aliases = aliases
        self.category = category
        self.signature = signature
        self.help = help
        self.example = example
        self.implementation = implementation
    }

    /// `len(x)`.
    public var signatureText: String { signature.display(name: name) }

    /// The signature without its keyword arguments, for the `:help` listing:
    /// `conv2d(filters, kernel_size, ...)`; `:help conv2d` shows them all.
    public var shortSignatureText: String {
        let s = signature
        var parts = s.positional.map { $0.isRequired ? $0.name : "[\($0.name)]" }
        if let v = s.variadic { parts.append("\(v.name)...") }
        if !s.keywords.isEmpty { parts.append("...") }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }

    /// The first sentence of the help text, for the `:help` listing.
    public var summary: String {
        if let end = help.range(of: ". ") { return String(help[..<end.lowerBound]) }
        return help.hasSuffix(".") ? String(help.dropLast()) : help
    }
}

/// All builtins by name, in registration order for listing.
public final class BuiltinRegistry {
    public private(set) var all: [Builtin] = []
    private var byName: [String: Builtin] = [:]

    public init() {}

    /// Registers a builtin under its name and aliases; a later registration of the same name
    /// replaces the earlier one (so a library can override a placeholder).
    public func register(_ builtin: Builtin) {
        if let old = byName[builtin.name] { all.removeAll { $0 === old } }
        all.append(builtin)
        for name in [builtin.name] + builtin.aliases { byName[name] = builtin }
    }

    /// Defines and registers a builtin in one call.
    public func register(_ name: String, aliases: [String] = [], category: String = "core",
                         signature: Signature, help: String, example: String,
                         _ implementation: @escaping BuiltinImplementation) {
        register(Builtin(name: name, aliases: aliases, category: category, signature: signature, help: help,
                         example: example, implementation: implementation))
    }

    public func lookup(_ name: String) -> Builtin? { byName[name] }

    /// Every name a builtin answers to, aliases included.
    public var names: [String] { Array(byName.keys) }

    /// The registry with the generic builtins (`print`, `len`, `range`, `str`, `min`, `max`, `abs`)
    /// and the network builtins (layers, tensors, models, data, optimisers).
    public static func standard() -> BuiltinRegistry {
        let registry = BuiltinRegistry()
        registry.registerCoreBuiltins()
        registry.registerNetworkBuiltins()
        return registry
    }
}

import PlexusTensor
import PlexusNN
// Layer builtins made from `LayerSpec`s: each argument's parameter (kind and default) and its
// reading from a call follow from its `ArgumentKind`, written here once for every layer type.

extension ArgumentSpec {
    /// The builtin's parameter: the argument's Keras name, the values its kind accepts, its default.
    var param: Param {
        let valueKind: ValueKind
        switch kind {
        case .integer, .axis: valueKind = .integer
        case .number: valueKind = .number
        case .bool: valueKind = .bool
        case .size2D: valueKind = .size2D
        case .padding: valueKind = .choiceIgnoringCase(["valid", "same"])
        // An activation may be left out as none, which is linear.
        case .activation: return Param(name, .optional(.activationFunction), default: .nothing, doc: doc)
        case .initializer: valueKind = .initializer
        case .choice(let options): valueKind = .choice(options)
        case .axes: valueKind = .axes
        case .integers: valueKind = variadic ? .sizes : .oneOf([.list, .tuple])
        case .dimensions: valueKind = .oneOf([.list, .tuple])
        case .sides2D: valueKind = .oneOf([.integer, .list, .tuple])
        }
        if optional { return Param(name, .optional(valueKind), default: .nothing, doc: doc) }
        return Param(name, valueKind, default: defaultValue.map(\.languageValue), doc: doc)
    }
}

extension ArgumentValue {
    /// The value as the language writes it: a default in a signature (`strides: 1`).
    var languageValue: Value {
        switch self {
        case .none: return .nothing
        case .int(let n): return .number(Double(n))
        case .number(let d): return .number(d)
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .size2D(let s):
            return s.height == s.width ? .number(Double(s.height)) : .tuple([.number(Double(s.height)), .number(Double(s.width))])
        case .padding(let p): return .string(p == .same ? "same" : "valid")
        case .activation(let f): return .activation(f)
        case .initializer(let i):
            if case .constant(let v) = i { return .number(Double(v)) }
            return .string(i.description)
        case .ints(let xs): return xs.count == 1 ? .number(Double(xs[0])) : .list(xs.map { .number(Double($0)) })
        case .dimensions(let xs): return .list(xs.map { $0.map { .number(Double($0)) } ?? .nothing })
        case .sides(let s):
            if s.top == s.bottom, s.left == s.right {
                return s.top == s.left ? .number(Double(s.top)) : .tuple([.number(Double(s.top)), .number(Double(s.left))])
            }
            return .tuple([.tuple([.number(Double(s.top)), .number(Double(s.bottom))]),
                           .tuple([.number(Double(s.left)), .number(Double(s.right))])])
        }
    }
}

extension Arguments {
    /// The value of argument `a` of a layer builtin, read by its kind (the binder has checked it).
    func argumentValue(_ a: ArgumentSpec) throws -> ArgumentValue {
        if a.optional, isNone(a.name) { return .none }
        switch a.kind {
        case .integer, .axis: return .int(try int(a.name))
        case .number: return .number(Double(try float(a.name)))
        case .bool: return .bool(try bool(a.name))
        case .size2D: return .size2D(try size2D(a.name))
        case .padding: return .padding(try padding(a.name))
        case .activation: return .activation(try activation(a.name))
        case .initializer: return .initializer(try initializer(a.name))
        case .choice: return .string(try string(a.name))
        case .axes: return .ints(try axes(a.name) ?? [])
        case .integers:
            if a.variadic { return .ints(try knownShapeArguments(a.name)) }
            guard let xs = self[a.name].integers else { throw kindError(a.name, "a list of integers") }
            return .ints(xs)
        case .dimensions:
            switch self[a.name] {
            case .list(let xs), .tuple(let xs):
                return .dimensions(try xs.map { v in
                    if case .nothing = v { return nil }
                    guard let n = v.integer else { throw kindError(a.name, "a list of integers or none") }
                    return n
                })
            default: throw kindError(a.name, "a list of integers or none")
            }
        case .sides2D: return .sides(try sides(a.name))
        }
    }

    /// Keras's three ways of giving four sides: one integer, `(h, w)`, `((top, bottom), (left, right))`.
    func sides(_ name: String) throws -> Sides2D {
        let v = self[name]
        if let (h, w) = Value.size2DParts(v) { return Sides2D(top: h, bottom: h, left: w, right: w) }
        switch v {
        case .list(let pair), .tuple(let pair):
            if pair.count == 2, let (t, b) = Value.size2DParts(pair[0]), let (l, r) = Value.size2DParts(pair[1]) {
                return Sides2D(top: t, bottom: b, left: l, right: r)
            }
        default: break
        }
        throw kindError(name, "an integer, (h, w) or ((top, bottom), (left, right))")
    }
}

extension BuiltinRegistry {
    /// Registers the builtin of a layer type from its spec: positional arguments first, the others
    /// as keywords, `name:` last; the call's values become checked `LayerArguments`.
    func registerLayer(_ spec: LayerSpec) {
        guard let builtin = spec.builtin else { return }
        let arguments = spec.implementedArguments
        registerLayer(builtin, aliases: spec.aliases, typeName: spec.className,
                      positional: arguments.filter { $0.positional && !$0.variadic }.map(\.param),
                      variadic: arguments.first(where: \.variadic)?.param,
                      keywords: arguments.filter { !$0.positional && !$0.variadic }.map(\.param),
                      help: spec.help, example: spec.example) { args, name in
            var given: [String: ArgumentValue] = [:]
            for a in arguments { given[a.name] = try args.argumentValue(a) }
            return try spec.makeLayer(spec.arguments(given), name: name)
        }
    }
}

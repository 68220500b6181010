import PlexusTensor
// A layer spec's arguments read from and written to a Keras config, by each argument's kind: the
// Keras half of `ArgumentKind`, written once for every layer type that has a `LayerSpec`.

extension KerasConfig {
    /// The arguments of `spec` from this config: each read by its kind, Keras's default where the
    /// key is missing or null, then checked by the spec.
    ///
    /// - Throws: `NetworkError` naming this layer, its class and the argument.
    func arguments(for spec: LayerSpec) throws -> LayerArguments {
        var given: [String: ArgumentValue] = [:]
        for a in spec.implementedArguments {
            guard has(a.name) else {
                if a.isRequired { throw error("has no \(a.name)") }
                continue
            }
            given[a.name] = try value(of: a)
        }
        return try spec.arguments(given)
    }

    /// The value of argument `a`, which is present.
    private func value(of a: ArgumentSpec) throws -> ArgumentValue {
        let key = a.name
        switch a.kind {
        case .integer: return .int(try int(key))
        case .number: return .number(Double(try float(key)))
        case .bool: return .bool(try bool(key, default: false))
        case .size2D: return .size2D(try size(key))
        case .padding: return .padding(try padding(key))
        case .activation: return .activation(try activation(key))
        case .initializer:
            guard case .initializer(let fallback)? = a.defaultValue else { return .initializer(try initializer(key, default: .zeros)) }
            return .initializer(try initializer(key, default: fallback))
        case .choice(let choices):
            let s = try string(key)
            guard choices.contains(s) else {
                throw error("\(key) must be " + choices.map { "\"\($0)\"" }.joined(separator: " or ") + " in Plexus, got \"\(s)\"")
            }
            return .string(s)
        case .axis:
            let axes = try ints(key)
            guard axes.count == 1 else { throw error("\(key) must be one axis in Plexus, got \(describe(values[key]))") }
            return .int(axes[0])
        case .axes, .integers: return .ints(try ints(key))
        case .sides2D: return .sides(try sides(key))
        case .dimensions:
            return .dimensions(try (values[key]?.array ?? []).map { v -> Int? in
                if v.isNull { return nil }
                guard let n = v.int else { throw error("\(key) must hold integers or null, got \(describe(values[key]))") }
                return n
            })
        }
    }

    /// Four sides: one integer, a pair (symmetric per axis), or two pairs (`ZeroPadding2D`'s
    /// `padding`, `Cropping2D`'s `cropping`).
    private func sides(_ key: String) throws -> Sides2D {
        let v = values[key] ?? .null
        if let n = v.int { return Sides2D(top: n, bottom: n, left: n, right: n) }
        guard let outer = v.array, outer.count == 2 else { throw error("\(key) must be an integer, two, or two pairs, got \(describe(v))") }
        if let h = outer[0].int, let w = outer[1].int { return Sides2D(top: h, bottom: h, left: w, right: w) }
        guard let hs = outer[0].array?.compactMap(\.int), let ws = outer[1].array?.compactMap(\.int), hs.count == 2, ws.count == 2 else {
            throw error("\(key) must be an integer, two, or two pairs, got \(describe(v))")
        }
        return Sides2D(top: hs[0], bottom: hs[1], left: ws[0], right: ws[1])
    }
}

extension ArgumentValue {
    /// The value of an argument of `kind` as Keras writes it in a config: axes as one integer
    /// when there is one.
    func kerasJSON(as kind: ArgumentKind) -> JSONValue {
        if kind == .axes, case .ints(let xs) = self, xs.count == 1 { return .number(Double(xs[0])) }
        return kerasJSON
    }

    /// The value as Keras writes it in a config.
    var kerasJSON: JSONValue {
        func number(_ n: Int) -> JSONValue { .number(Double(n)) }
        switch self {
        case .none: return .null
        case .int(let n): return number(n)
        case .number(let d): return .number(d)
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .size2D(let s): return [number(s.height), number(s.width)]
        case .padding(let p): return p == .same ? "same" : "valid"
        case .activation(let f): return .string(f.name)
        case .initializer(let i): return kerasInitializer(i)
        case .ints(let xs): return .array(xs.map(number))
        case .dimensions(let xs): return .array(xs.map { $0.map(number) ?? .null })
        case .sides(let s): return [[number(s.top), number(s.bottom)], [number(s.left), number(s.right)]]
        }
    }
}

extension KerasLayerEntry {
    /// The Keras class of a layer type described by `spec`: its arguments and the Keras-only
    /// fixed ones from the spec, made and written through `LayerArguments`.
    init(_ spec: LayerSpec) {
        self.init(spec.className,
                  arguments: spec.implementedArguments.map { ($0.name, $0.defaultValue?.kerasJSON(as: $0.kind) ?? .null) },
                  fixed: spec.arguments.compactMap { a in a.fixedValue.map { (a.name, $0.kerasJSON) } },
                  make: { c, name in try spec.makeLayer(c.arguments(for: spec), name: name) },
                  export: { layer in
                      guard let arguments = layer.arguments, arguments.spec === spec else { return nil }
                      return Dictionary(uniqueKeysWithValues: spec.implementedArguments.map { ($0.name, arguments[$0.name].kerasJSON(as: $0.kind)) })
                  })
    }
}

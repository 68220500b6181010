import PlexusTensor
/// A layer type described once: Keras's class name, the language's builtin name and aliases, every
/// argument (`ArgumentSpec`), the help text and example, and how to make the layer from checked
/// arguments.
///
/// The builtins, `:help`, keyword completion and `docs/LANGUAGE.md` (PlexusLang), Keras's
/// `class_name` and config in both directions, a layer's `config`, summary line, copies and clones
/// all read it, so adding a layer without a new kernel is its own file and its test (and a line in
/// `LayerSpec.all`).
public final class LayerSpec: Sendable {
    /// Keras's class name, also the layer's `typeName` (`Conv2D`).
    public let className: String
    /// The language's builtin (`conv2d`) and its other names (`max_pooling2d` for `maxpool`);
    /// `nil` when the builtin is written by hand (`reshape` also reshapes tensors).
    public let builtin: String?
    public let aliases: [String]
    /// Every argument in Keras's order, the Keras-only `fixed` ones included.
    public let arguments: [ArgumentSpec]
    /// The `:help` text: what the layer computes, its weights.
    public let help: String
    /// A line or two of Plexus using it.
    public let example: String
    private let make: @Sendable (LayerArguments, String?) throws -> Layer

    public init(_ className: String, builtin: String?, aliases: [String] = [], arguments: [ArgumentSpec],
                help: String, example: String, make: @escaping @Sendable (LayerArguments, String?) throws -> Layer) {
        self.className = className
        self.builtin = builtin
        self.aliases = aliases
        self.arguments = arguments
        self.help = help
        self.example = example
        self.make = make
    }

    /// The arguments Plexus implements (the builtin's parameters), in Keras's order.
    public var implementedArguments: [ArgumentSpec] { arguments.filter(\.isImplemented) }

    /// The argument called `name`.
    public func argument(_ name: String) -> ArgumentSpec? { arguments.first { $0.name == name } }

    /// Checked arguments from the values given by Keras name; the others take their defaults.
    ///
    /// - Throws: `NetworkError` with this layer type and the argument as data, for a required
    ///   argument left out, a value of the wrong kind or out of range.
    public func arguments(_ given: [String: ArgumentValue]) throws -> LayerArguments {
        for name in given.keys where argument(name)?.isImplemented != true {
            throw LayerArgument.error(className, name, "has no argument \(name)")
        }
        var values: [String: ArgumentValue] = [:]
        for a in implementedArguments {
            guard var v = given[a.name] ?? a.defaultValue else {
                throw LayerArgument.error(className, a.name, "\(a.name) must be given")
            }
            if a.kind == .number, case .number(let d) = v { v = .number(Double(Float(d))) }   // the layer computes in Float32
            try a.validate(v, of: className)
            values[a.name] = v
        }
        return LayerArguments(spec: self, values: values)
    }

    /// A new layer from checked arguments, named `name` (or automatically).
    public func makeLayer(_ arguments: LayerArguments, name: String?) throws -> Layer {
        try make(arguments, name)
    }
}

/// The checked arguments of one layer, by Keras name: what the layer was made from, and what its
/// `config`, copies, clones and Keras export read.
public struct LayerArguments: Sendable {
    public let spec: LayerSpec
    /// A value for every implemented argument of `spec`.
    public private(set) var values: [String: ArgumentValue]

    init(spec: LayerSpec, values: [String: ArgumentValue]) {
        self.spec = spec
        self.values = values
    }

    /// The value of `name` (`none` for a name the spec does not have).
    public subscript(_ name: String) -> ArgumentValue { values[name] ?? .none }

    /// The same arguments with `name` set to `value`, checked: a layer settling a default that
    /// depends on another argument (pooling strides default to the pool size).
    public func setting(_ name: String, _ value: ArgumentValue) throws -> LayerArguments {
        var copy = self
        guard let a = spec.argument(name), a.isImplemented else { throw LayerArgument.error(spec.className, name, "has no argument \(name)") }
        try a.validate(value, of: spec.className)
        copy.values[name] = value
        return copy
    }

    /// The implemented arguments in Keras's order, formatted as the language writes them.
    public var config: [(key: String, value: String)] {
        spec.implementedArguments.map { ($0.name, self[$0.name].formatted(as: $0.kind)) }
    }

    // MARK: - Typed values (the spec has checked each kind; a mismatch is a mistake in a layer)

    private func wrongKind(_ name: String) -> NetworkError {
        assertionFailure("invariant: \(spec.className).\(name) read as another kind than its spec declares")
        return LayerArgument.error(spec.className, name, "\(name) has the wrong kind: \(self[name])")
    }

    public func int(_ name: String) throws -> Int {
        guard case .int(let n) = self[name] else { throw wrongKind(name) }
        return n
    }

    public func optionalInt(_ name: String) throws -> Int? { self[name] == .none ? nil : try int(name) }

    public func float(_ name: String) throws -> Float {
        guard case .number(let d) = self[name] else { throw wrongKind(name) }
        return Float(d)
    }

    public func optionalFloat(_ name: String) throws -> Float? { self[name] == .none ? nil : try float(name) }

    public func bool(_ name: String) throws -> Bool {
        guard case .bool(let b) = self[name] else { throw wrongKind(name) }
        return b
    }

    public func string(_ name: String) throws -> String {
        guard case .string(let s) = self[name] else { throw wrongKind(name) }
        return s
    }

    public func size2D(_ name: String) throws -> Size2D {
        guard case .size2D(let s) = self[name] else { throw wrongKind(name) }
        return s
    }

    public func optionalSize2D(_ name: String) throws -> Size2D? { self[name] == .none ? nil : try size2D(name) }

    public func padding(_ name: String) throws -> Padding {
        guard case .padding(let p) = self[name] else { throw wrongKind(name) }
        return p
    }

    public func activation(_ name: String) throws -> ActivationFunction {
        guard case .activation(let f) = self[name] else { throw wrongKind(name) }
        return f
    }

    public func initializer(_ name: String) throws -> Initializer {
        guard case .initializer(let i) = self[name] else { throw wrongKind(name) }
        return i
    }

    public func ints(_ name: String) throws -> [Int] {
        guard case .ints(let xs) = self[name] else { throw wrongKind(name) }
        return xs
    }

    public func sides(_ name: String) throws -> Sides2D {
        guard case .sides(let s) = self[name] else { throw wrongKind(name) }
        return s
    }
}

/// Errors about one argument of a layer type, carrying both as data.
enum LayerArgument {
    /// `Conv2D: filters must be positive, got 0`, with `layerType` "Conv2D" and `argument` "filters".
    static func error(_ typeName: String, _ argument: String?, _ message: String) -> NetworkError {
        var e = NetworkError(nil, message)
        e.layerType = typeName
        e.argument = argument
        return e
    }
}

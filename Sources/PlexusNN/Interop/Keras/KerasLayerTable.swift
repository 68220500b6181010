import PlexusTensor
/// How one of our layers corresponds to a Keras layer class: its `class_name`, the config keys
/// Plexus reads with Keras's defaults, the keys Plexus has no counterpart for (accepted only at
/// the value given), how to make our layer from a config and how to write a config from our layer.
///
/// `kerasLayerTable` is the one place this correspondence is written: `loadKeras` reads it to
/// build layers, `saveKeras` to write configs, and `docs/keras.md` lists it.
struct KerasLayerEntry: Sendable {
    /// Keras's class name (`Conv2D`, our layer's `typeName`), or for a construct only Plexus has,
    /// the class of the custom layer `saveKeras` writes beside the file (`PlexusConv`).
    let className: String
    /// Whether the Keras class is one of Plexus's custom layers (registered as `plexus>Class`).
    var isCustom: Bool { className.hasPrefix("Plexus") }
    /// The Python module of a class that is neither in keras.layers nor one of Plexus's custom
    /// layers (InceptionResNetV2's `CustomScaleLayer` lives in keras.applications).
    var module: String?
    /// The config keys Plexus reads, with Keras's default for each (JSON null: no default, the
    /// key is required).
    let arguments: [(key: String, kerasDefault: JSONValue)]
    /// Keras arguments Plexus does not have, accepted (and written on export) only at this value.
    let fixed: [(key: String, value: JSONValue)]
    /// Makes our layer from a config; the name is given separately.
    let make: @Sendable (KerasConfig, String) throws -> Layer
    /// The config keys and values of our layer (the table's `fixed` keys are added by the caller).
    let export: @Sendable (Layer) -> [String: JSONValue]?

    init(_ className: String, arguments: [(String, JSONValue)], fixed: [(String, JSONValue)] = [],
         make: @escaping @Sendable (KerasConfig, String) throws -> Layer, export: @escaping @Sendable (Layer) -> [String: JSONValue]?) {
        self.className = className
        self.arguments = arguments.map { (key: $0.0, kerasDefault: $0.1) }
        self.fixed = fixed.map { (key: $0.0, value: $0.1) }
        self.make = make
        self.export = export
    }

    init(_ className: String, module: String, arguments: [(String, JSONValue)],
         make: @escaping @Sendable (KerasConfig, String) throws -> Layer, export: @escaping @Sendable (Layer) -> [String: JSONValue]?) {
        self.init(className, arguments: arguments, make: make, export: export)
        self.module = module
    }
}

/// The config keys every Keras layer has and Plexus handles itself (the name, trainability, the
/// dtype policy: Plexus computes in float32).
let kerasCommonKeys: Set<String> = ["name", "trainable", "dtype"]

private func pair(_ s: Size2D) -> JSONValue { [.number(Double(s.height)), .number(Double(s.width))] }
private func number(_ v: Float) -> JSONValue { .number(Double(v)) }
private func number(_ v: Int) -> JSONValue { .number(Double(v)) }
private func list(_ v: [Int]) -> JSONValue { .array(v.map { .number(Double($0)) }) }
private func padding(_ p: Padding) -> JSONValue { p == .same ? "same" : "valid" }

/// An initializer as Keras deserialises it: a name, or a class with its config.
func kerasInitializer(_ i: Initializer) -> JSONValue {
    func object(_ className: String, _ config: [String: JSONValue]) -> JSONValue {
        ["module": "keras.initializers", "class_name": .string(className), "config": .object(config), "registered_name": nil]
    }
    switch i {
    case let .constant(v): return object("Constant", ["value": number(v)])
    case let .randomNormal(m, s): return object("RandomNormal", ["mean": number(m), "stddev": number(s), "seed": nil])
    case let .randomUniform(lo, hi): return object("RandomUniform", ["minval": number(lo), "maxval": number(hi), "seed": nil])
    case let .truncatedNormal(m, s): return object("TruncatedNormal", ["mean": number(m), "stddev": number(s), "seed": nil])
    case let .varianceScaling(scale, mode, dist):
        return object("VarianceScaling", ["scale": number(scale), "mode": .string(mode.rawValue),
                                          "distribution": .string(dist.rawValue), "seed": nil])
    default: return .string(i.description)
    }
}

private func typed<L: Layer>(_ f: @escaping @Sendable (L) -> [String: JSONValue]) -> @Sendable (Layer) -> [String: JSONValue]? {
    { ($0 as? L).map(f) }
}

/// Our layers and Keras's classes, one entry each (see `KerasLayerEntry`).
let kerasLayerTable: [String: KerasLayerEntry] = {
    // The layer types described by a `LayerSpec` (arguments, defaults and Keras-only keys there).
    var entries: [KerasLayerEntry] = LayerSpec.all.map(KerasLayerEntry.init) + [
        KerasLayerEntry("Activation", arguments: [("activation", nil)],
            make: { c, name in try Activation(c.activation(), name: name) },
            export: typed { (l: Activation) in ["activation": .string(l.activation.name)] }),
        KerasLayerEntry("ReLU", arguments: [("max_value", nil), ("negative_slope", 0.0), ("threshold", 0.0)],
            make: { c, name in
                try ReLU(maxValue: c.optionalFloat("max_value"), negativeSlope: c.float("negative_slope", default: 0),
                         threshold: c.float("threshold", default: 0), name: name)
            },
            export: typed { (l: ReLU) in
                ["max_value": l.maxValue.map(number) ?? nil, "negative_slope": number(l.negativeSlope), "threshold": number(l.threshold)]
            }),
    ]
    // The merges: no arguments beyond the common ones.
    let merges: [(String, @Sendable (String) throws -> Layer)] = [
        ("Add", { try Add(name: $0) }), ("Subtract", { try Subtract(name: $0) }), ("Multiply", { try Multiply(name: $0) }),
        ("Average", { try Average(name: $0) }), ("Maximum", { try Maximum(name: $0) }), ("Minimum", { try Minimum(name: $0) }),
    ]
    entries.append(KerasLayerEntry("CustomScaleLayer", module: "keras.src.applications.inception_resnet_v2",
                                    arguments: [("scale", nil)],
                                    make: { c, name in try ScaledAdd(scale: c.float("scale"), name: name) },
                                    export: typed { (l: ScaledAdd) in ["scale": number(l.scale)] }))
    entries += plexusCustomLayerEntries
    for (className, make) in merges {
        entries.append(KerasLayerEntry(className, arguments: [], make: { _, name in try make(name) },
                                       export: { ($0 as? Merge)?.typeName == className ? [:] : nil }))
    }
    return Dictionary(entries.map { ($0.className, $0) }) { a, _ in a }
}()

/// The constructs only Plexus has, as the Keras custom layers of `plexus_layers.py` (written
/// beside an exported file): weights used as values, tensor algebra on them, and `conv(x, kernel)`
/// with a kernel that is a tensor (one per sample for a hypernetwork).
private let plexusCustomLayerEntries: [KerasLayerEntry] = [
    KerasLayerEntry("PlexusWeight", arguments: [("shape", nil), ("trainable_weight", true), ("statistic", false)],
        make: { c, _ in throw c.error("is a weight used as a value; Plexus reads it back only from its own files") },
        export: typed { (l: WeightSource) in
            ["shape": list(l.weight.shape), "trainable_weight": .bool(l.weight.trainable), "statistic": .bool(l.weight.role == .statistic)]
        }),
    KerasLayerEntry("PlexusElementwise", arguments: [("op", nil)],
        make: { c, name in
            guard let kind = ElementwiseOp.Kind(rawValue: try c.string("op")) else { throw c.error("op must be add, subtract, multiply or divide") }
            return try ElementwiseOp(kind, name: name)
        },
        export: typed { (l: ElementwiseOp) in ["op": .string(l.kind.rawValue)] }),
    KerasLayerEntry("PlexusMatMul", arguments: [],
        make: { _, name in try MatMul(name: name) }, export: typed { (_: MatMul) in [:] }),
    KerasLayerEntry("PlexusReshape", arguments: [("new_shape", nil)],
        make: { c, name in try ReshapeOp(c.ints("new_shape"), name: name) },
        export: typed { (l: ReshapeOp) in ["new_shape": list(l.newShape)] }),
    KerasLayerEntry("PlexusTranspose", arguments: [("axes", nil)],
        make: { c, name in try Transpose(axes: c.has("axes") ? c.ints("axes") : nil, name: name) },
        export: typed { (l: Transpose) in ["axes": l.axes.map(list) ?? nil] }),
    KerasLayerEntry("PlexusReduce", arguments: [("op", nil), ("axes", nil), ("keepdims", false)],
        make: { c, name in
            guard let kind = Reduction.Kind(rawValue: try c.string("op")) else { throw c.error("op must be sum or mean") }
            return try Reduction(kind, axes: c.has("axes") ? c.ints("axes") : nil, keepdims: c.bool("keepdims", default: false), name: name)
        },
        export: typed { (l: Reduction) in ["op": .string(l.kind.rawValue), "axes": l.axes.map(list) ?? nil, "keepdims": .bool(l.keepdims)] }),
    KerasLayerEntry("PlexusConv",
        arguments: [("strides", [1, 1]), ("padding", "valid"), ("dilation_rate", [1, 1]), ("activation", "linear"),
                    ("use_bias", true), ("bias_initializer", "zeros")],
        make: { c, name in
            try Conv(strides: c.size("strides", default: 1), padding: c.padding(), dilationRate: c.size("dilation_rate", default: 1),
                     activation: c.activation(), useBias: c.bool("use_bias", default: true),
                     biasInitializer: c.initializer("bias_initializer", default: .zeros), name: name)
        },
        export: typed { (l: Conv) in
            ["strides": pair(l.strides), "padding": padding(l.padding), "dilation_rate": pair(l.dilationRate),
             "activation": .string(l.activation.name), "use_bias": .bool(l.useBias), "bias_initializer": kerasInitializer(l.biasInitializer)]
        }),
]

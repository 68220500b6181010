/// Builds Plexus models from Keras's model config (the `config.json` of a `.keras` file, or the
/// `model_config` attribute of a legacy `.h5`): Functional graphs with their inbound nodes,
/// Sequential stacks, nested models, shared layers, several inputs and outputs. Layer names are
/// kept; layers come from `kerasLayerTable`.
///
/// Nothing is bound anywhere until the whole model is built, so an error leaves no part of it.
struct KerasGraphBuilder {
    /// Every model built, with its layers in the order of Keras's config (which is the order of
    /// `model.layers` in Keras, and so of the weight file's `layers/...` groups).
    private(set) var configOrder: [ObjectIdentifier: [Layer]] = [:]
    /// Keras's class of every model built (`Functional` or `Sequential`).
    private(set) var classNames: [ObjectIdentifier: String] = [:]

    /// A model's layers in Keras's order.
    var order: (Model) -> [Layer] { { [configOrder] in configOrder[ObjectIdentifier($0)] ?? $0.layers } }
    /// A layer's Keras class (a Sequential model's included).
    var kerasClass: (Layer) -> String { { [classNames] in classNames[ObjectIdentifier($0)] ?? defaultKerasClass($0) } }

    /// The model described by `json` (an object with `class_name` and `config`).
    mutating func model(_ json: JSONValue) throws -> Model {
        let className = json["class_name"]?.string ?? "?"
        guard let config = json["config"] else { throw NetworkError("the Keras model", "has no config") }
        switch className {
        case "Functional", "Model": return try functional(config)
        case "Sequential": return try sequential(config)
        default:
            throw NetworkError("the Keras model", "is a \(className); Plexus reads Functional and Sequential models")
        }
    }

    // MARK: - Layers

    /// One layer from its config entry (a nested model is built whole).
    private mutating func layer(_ entry: JSONValue) throws -> Layer {
        let className = entry["class_name"]?.string ?? "?"
        if className == "Functional" || className == "Sequential" || className == "Model" { return try model(entry) }
        let values = entry["config"]?.object ?? [:]
        let name = entry["name"]?.string ?? values["name"]?.string ?? snakeCaseName(className)
        let config = KerasConfig(layerName: name, className: className, values: values)
        guard let spec = kerasLayerTable[className] else {
            let module = entry["module"]?.string.map { " (module \($0))" } ?? ""
            throw NetworkError("\(name) (\(className))", "is a Keras layer Plexus does not have\(module)",
                               hint: "Plexus reads " + kerasLayerTable.keys.sorted().joined(separator: ", "))
        }
        try checkArguments(config, spec)
        let layer = try spec.make(config, name)
        if values["trainable"]?.bool == false { layer.freeze() }
        return layer
    }

    /// Refuses a config with an argument Plexus does not have at a value other than the one it
    /// implements (`data_format: "channels_first"`, a regularizer), naming the layer and argument.
    private func checkArguments(_ c: KerasConfig, _ spec: KerasLayerEntry) throws {
        let read = Set(spec.arguments.map(\.key))
        let fixed = Dictionary(spec.fixed.map { ($0.key, $0.value) }) { a, _ in a }
        for (key, value) in c.values.sorted(by: { $0.key < $1.key }) where !kerasCommonKeys.contains(key) && !read.contains(key) {
            if let expected = fixed[key] {
                guard value == expected || (value.isNull && expected == .bool(false)) else {
                    throw c.error("has \(key) = \(value), which Plexus does not support (only \(expected))")
                }
            } else if !value.isNull {
                throw c.error("has argument \(key) = \(value), which Plexus does not support")
            }
        }
    }

    private func inputLayer(_ entry: JSONValue) throws -> InputLayer {
        let values = entry["config"]?.object ?? [:]
        let name = entry["name"]?.string ?? values["name"]?.string ?? "input_layer"
        let c = KerasConfig(layerName: name, className: "InputLayer", values: values)
        guard let shape = (values["batch_shape"] ?? values["batch_input_shape"])?.array else {
            throw c.error("has no batch_shape")
        }
        if values["sparse"]?.bool == true || values["ragged"]?.bool == true { throw c.error("is sparse or ragged, which Plexus does not support") }
        return try InputLayer(batchShape: shape.map(\.int), name: name)
    }

    /// A weight used as a value, as `saveKeras` writes it (Plexus's custom layer `PlexusWeight`):
    /// a free weight of the layer's name, its graph node standing where the layer's output did.
    private func weightSource(_ entry: JSONValue) throws -> SymbolicTensor {
        let values = entry["config"]?.object ?? [:]
        let name = entry["name"]?.string ?? values["name"]?.string ?? "weight"
        let c = KerasConfig(layerName: name, className: "PlexusWeight", values: values)
        let w = try Weight(name: name, shape: c.ints("shape"), trainable: c.bool("trainable_weight", default: true))
        return w.symbolic
    }

    // MARK: - Functional

    private mutating func functional(_ config: JSONValue) throws -> Model {
        let name = config["name"]?.string
        let entries = config["layers"]?.array ?? []
        var layers: [String: Layer] = [:]
        var order: [Layer] = []
        var outputs: [String: [[SymbolicTensor]]] = [:]
        for entry in entries {
            if entry["class_name"]?.string == "PlexusWeight" {
                let t = try weightSource(entry)
                outputs[t.producer.name] = [[t]]
                layers[t.producer.name] = t.producer
                order.append(t.producer)
                continue
            }
            let l: Layer = entry["class_name"]?.string == "InputLayer" ? try inputLayer(entry) : try layer(entry)
            if let input = l as? InputLayer { outputs[l.name] = [[input.output]] }
            layers[l.name] = l
            order.append(l)
        }
        // Apply every inbound node once its inputs exist (a shared layer's later call may come
        // after layers listed below it).
        var pending: [(layer: Layer, nodes: [JSONValue])] = entries.enumerated().compactMap { i, entry in
            order[i] is InputLayer || order[i] is WeightSource ? nil : (order[i], entry["inbound_nodes"]?.array ?? [])
        }
        var progress = true
        while progress {
            progress = false
            for i in pending.indices {
                while let node = pending[i].nodes.first {
                    let l = pending[i].layer
                    guard let refs = try references(in: node, of: l) else { break }
                    var inputs: [SymbolicTensor] = []
                    var ready = true
                    for r in refs {
                        guard let produced = outputs[r.layer], r.node < produced.count else {
                            if layers[r.layer] == nil {
                                throw NetworkError("\(l.name) (\(l.typeName))", "is called on \(r.layer)[\(r.node)][\(r.tensor)], a layer the model does not have")
                            }
                            ready = false
                            break
                        }
                        guard r.tensor < produced[r.node].count else {
                            throw NetworkError("\(l.name) (\(l.typeName))", "is called on output \(r.tensor) of \(r.layer), which has \(produced[r.node].count)")
                        }
                        inputs.append(produced[r.node][r.tensor])
                    }
                    guard ready else { break }
                    outputs[l.name, default: []].append(try l.apply(inputs))
                    pending[i].nodes.removeFirst()
                    progress = true
                }
            }
        }
        if let stuck = pending.first(where: { !$0.nodes.isEmpty }) {
            throw NetworkError("\(stuck.layer.name) (\(stuck.layer.typeName))", "is called on tensors no layer of the model produces")
        }
        func tensors(_ key: String) throws -> [SymbolicTensor] {
            guard let list = config[key]?.array else { throw NetworkError(name.map { "model \"\($0)\"" }, "has no \(key)") }
            let refs = list.first?.string != nil ? [JSONValue.array(list)] : list
            return try refs.map { ref in
                guard let a = ref.array, a.count >= 3, let layer = a[0].string, let n = a[1].int, let t = a[2].int,
                      let produced = outputs[layer], n < produced.count, t < produced[n].count else {
                    throw NetworkError(name.map { "model \"\($0)\"" }, "lists \(ref) in \(key), which the graph does not produce")
                }
                return produced[n][t]
            }
        }
        let model = try Model(inputs: tensors("input_layers"), outputs: tensors("output_layers"), name: name)
        if config["trainable"]?.bool == false { model.freeze() }
        configOrder[ObjectIdentifier(model)] = order
        return model
    }

    /// A tensor reference of an inbound node: Keras's `keras_history` (layer, node, tensor).
    private struct Reference { var layer: String; var node: Int; var tensor: Int }

    /// The tensors a node is called on, in order: Keras 3's `{"args": [...], "kwargs": {...}}`
    /// or the older list of `[layer, node, tensor, kwargs]`.
    private func references(in node: JSONValue, of l: Layer) throws -> [Reference]? {
        var refs: [Reference] = []
        func collect(_ v: JSONValue) {
            if v["class_name"]?.string == "__keras_tensor__", let h = v["config"]?["keras_history"]?.array, h.count >= 3,
               let layer = h[0].string, let n = h[1].int, let t = h[2].int {
                refs.append(Reference(layer: layer, node: n, tensor: t))
            } else if let a = v.array {
                a.forEach(collect)
            } else if let o = v.object {
                o.keys.sorted().forEach { collect(o[$0] ?? .null) }
            }
        }
        if let args = node["args"] {
            collect(args)
            for (key, value) in node["kwargs"]?.object ?? [:] {
                var inner: [Reference] = []
                swap(&refs, &inner)
                collect(value)
                swap(&refs, &inner)
                if !inner.isEmpty || (key != "training" && key != "mask" && !value.isNull) {
                    throw NetworkError("\(l.name) (\(l.typeName))", "is called with the keyword argument \(key), which Plexus does not support")
                }
            }
            return refs
        }
        guard let legacy = node.array else { return nil }
        for item in legacy {
            guard let a = item.array, a.count >= 3, let layer = a[0].string, let n = a[1].int, let t = a[2].int else {
                throw NetworkError("\(l.name) (\(l.typeName))", "has an inbound node Plexus cannot read: \(item)")
            }
            refs.append(Reference(layer: layer, node: n, tensor: t))
        }
        return refs
    }

    // MARK: - Sequential

    private mutating func sequential(_ config: JSONValue) throws -> Model {
        let name = config["name"]?.string
        var entries = config["layers"]?.array ?? []
        let input: InputLayer
        if let first = entries.first, first["class_name"]?.string == "InputLayer" {
            input = try inputLayer(first)
            entries.removeFirst()
        } else if let shape = (config["build_input_shape"] ?? entries.first?["config"]?["batch_input_shape"]
                               ?? entries.first?["config"]?["batch_shape"])?.array {
            input = try InputLayer(batchShape: shape.map(\.int), name: nil)
        } else {
            throw NetworkError(name.map { "model \"\($0)\"" }, "is a Sequential model with no input shape; Plexus needs one to build it")
        }
        var x = input.output
        var order: [Layer] = [input]
        for entry in entries {
            let l = try layer(entry)
            x = try l(x)
            order.append(l)
        }
        let model = try Model(inputs: [input.output], outputs: [x], name: name)
        if config["trainable"]?.bool == false { model.freeze() }
        configOrder[ObjectIdentifier(model)] = order
        classNames[ObjectIdentifier(model)] = "Sequential"
        return model
    }
}

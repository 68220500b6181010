import PlexusTensor
/// Reading Keras's weight files into a model's weights, in the two layouts Keras has used:
///
/// - Keras 3 (`model.weights.h5` inside a `.keras` file, and `.weights.h5`): a group per layer at
///   `layers/<name>/vars/<i>`, where `<name>` is the snake-cased class name numbered per model
///   (`conv2d`, `conv2d_1`), in the order of the model's layers; nested models nest.
/// - Legacy HDF5 (keras.applications' published weights, `.h5` models under `model_weights`): a
///   group per layer name listed in the `layer_names` attribute, each listing its datasets in a
///   `weight_names` attribute, trainable weights first.
///
/// Every tensor is checked against its weight (count and shapes) before any is assigned, so a
/// mismatch changes nothing and names the layer, its class and the weight.
struct KerasWeightReader {
    let file: HDF5File
    /// The layers of a model in Keras's order (a model's config order when it was imported).
    var order: (Model) -> [Layer] = { $0.layers }
    /// Keras's class name of a model (`Functional`, `Sequential`), for its snake-cased group name.
    var className: (Layer) -> String = defaultKerasClass

    /// The tensor for every weight of `model`, from whichever layout the file has.
    func assignments(for model: Model) throws -> [(Weight, Tensor)] {
        if let names = try file.stringAttribute("layer_names", of: "/") {
            return try legacy(model, root: "", layerNames: names)
        }
        if file.exists("model_weights"), let names = try file.stringAttribute("layer_names", of: "model_weights") {
            return try legacy(model, root: "model_weights/", layerNames: names)
        }
        if file.exists("layers") || file.exists("vars") { return try keras3(model, prefix: "") }
        throw DataError(file: file.path, "holds no Keras weights (no layers group and no layer_names attribute)")
    }

    /// Reads every weight of `model` and assigns them all, or none on any mismatch.
    func load(into model: Model) throws -> Int {
        let pairs = try assignments(for: model)
        for (w, t) in pairs { try w.assign(t) }
        return pairs.count
    }

    // MARK: - Keras 3

    private func keras3(_ model: Model, prefix: String) throws -> [(Weight, Tensor)] {
        var pairs: [(Weight, Tensor)] = []
        var visited = Set<ObjectIdentifier>()
        try keras3(model, prefix: prefix, into: &pairs, visited: &visited)
        let covered = Set(pairs.map { ObjectIdentifier($0.0) })
        if let missing = model.weights.first(where: { !covered.contains(ObjectIdentifier($0)) }) {
            throw NetworkError(model.name, "has weight \(missing.path) \(formatShape(missing.shape)), which \(file.path) does not hold (Keras's layout has no place for it)")
        }
        return pairs
    }

    private func keras3(_ model: Model, prefix: String, into pairs: inout [(Weight, Tensor)], visited: inout Set<ObjectIdentifier>) throws {
        var used: [String: Int] = [:]
        for layer in order(model) {
            var group = snakeCaseName(className(layer))
            if let n = used[group] { used[group] = n + 1; group += "_\(n + 1)" } else { used[group] = 0 }
            guard visited.insert(ObjectIdentifier(layer)).inserted else { continue }
            let path = prefix + "layers/" + group
            if let nested = layer as? Model {
                try keras3(nested, prefix: path + "/", into: &pairs, visited: &visited)
                continue
            }
            let own = layer.ownWeights
            let varsPath = path + "/vars"
            let stored = file.exists(varsPath) ? try file.members(varsPath) : []
            guard stored.count == own.count else {
                throw NetworkError("\(layer.name) (\(layer.typeName))", "has \(own.count) weight\(own.count == 1 ? "" : "s") (\(own.map(\.name).joined(separator: ", "))) but \(file.path) holds \(stored.count) at \(varsPath)")
            }
            for (i, w) in own.enumerated() {
                let t = try file.tensor("\(varsPath)/\(i)")
                try checkShape(t, w, layer, at: "\(varsPath)/\(i)")
                pairs.append((w, t))
            }
        }
    }

    // MARK: - Legacy HDF5

    private func legacy(_ model: Model, root: String, layerNames: [String]) throws -> [(Weight, Tensor)] {
        var pairs: [(Weight, Tensor)] = []
        var loaded = Set<ObjectIdentifier>()
        for name in layerNames {
            let group = root + name
            let weightNames = try file.stringAttribute("weight_names", of: group) ?? []
            guard let layer = model[name] else {
                if weightNames.isEmpty { continue }
                throw NetworkError(model.name, "has no layer \(name), which \(file.path) holds \(weightNames.count) weight\(weightNames.count == 1 ? "" : "s") for")
            }
            let own = legacyOrder(layer.weights)
            guard weightNames.count == own.count else {
                throw NetworkError("\(layer.name) (\(layer.typeName))", "has \(own.count) weight\(own.count == 1 ? "" : "s") but \(file.path) holds \(weightNames.count) for it (\(weightNames.joined(separator: ", ")))")
            }
            for (w, stored) in zip(own, weightNames) {
                let t = try file.tensor(group + "/" + stored)
                try checkShape(t, w, layer, at: group + "/" + stored)
                pairs.append((w, t))
            }
            loaded.insert(ObjectIdentifier(layer))
        }
        if let missing = model.layers.first(where: { !$0.weights.isEmpty && !loaded.contains(ObjectIdentifier($0)) && !($0 is WeightSource) }) {
            throw NetworkError("\(missing.name) (\(missing.typeName))", "has weights but \(file.path) has no layer of that name")
        }
        return pairs
    }

    /// Keras's legacy order of a layer's weights: the trainable ones, then the others.
    private func legacyOrder(_ weights: [Weight]) -> [Weight] {
        weights.filter(\.trainable) + weights.filter { !$0.trainable }
    }

    private func checkShape(_ t: Tensor, _ w: Weight, _ layer: Layer, at path: String) throws {
        guard t.shape == w.shape else {
            throw NetworkError("\(layer.name) (\(layer.typeName))", "expects \(w.name) of shape \(formatShape(w.shape)) but \(file.path) holds \(formatShape(t.shape)) at \(path)")
        }
    }
}

/// The Keras class a Plexus layer is saved as (a model is `Functional`).
func defaultKerasClass(_ layer: Layer) -> String {
    layer is Model ? "Functional" : (kerasClassName(layer) ?? layer.typeName)
}

import PlexusTensor
import Foundation
import ZIPFoundation

/// What `saveKeras` wrote: the model file, and the Python module of Plexus's custom layers when
/// the model uses constructs only Plexus has (Keras must import it before loading the file).
public struct KerasExportReport: Equatable {
    /// The `.keras` file.
    public var path: String
    /// The custom layers' module (`plexus_layers.py` beside the file), or `nil` when none is needed.
    public var customLayersModule: String?
    /// The number of weights written.
    public var weightCount: Int
}

/// Writes `model` as a Keras 3 `.keras` file that `keras.saving.load_model` opens: the graph in
/// `config.json` (every layer with its name, shared layers as one layer with several inbound
/// nodes, nested models nested), `metadata.json`, and every weight in `model.weights.h5` at Keras's
/// paths. Weights without storage are materialised from `generator` first.
///
/// Constructs only Plexus has (weights used as values, tensor algebra, `conv(x, kernel)`) become
/// the custom layers of a small Python module, written as `plexus_layers.py` beside the file and
/// registered under the package `plexus`; the report names it. Everything is checked before
/// anything is written, and the archive is written beside its place and renamed, so a failed save
/// leaves no half file.
///
/// - Throws: `NetworkError` naming the first layer Keras cannot express; `DataError` when the
///   file cannot be written.
public func saveKeras(_ model: Model, to path: String, using generator: inout RandomGenerator) throws -> KerasExportReport {
    var writer = KerasExportWriter()
    let config = try writer.modelEntry(model, asLayer: false)
    var tensors: [(String, Tensor)] = []
    var visited = Set<ObjectIdentifier>()
    try writer.weights(of: model, prefix: "", into: &tensors, visited: &visited, generator: &generator)

    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent()
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
        throw DataError(file: path, "cannot be written: there is no folder \((path as NSString).deletingLastPathComponent)")
    }
    let staging = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).staging")
    try? FileManager.default.removeItem(at: staging)
    do { try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false) } catch {
        throw DataError(file: path, "cannot be written: \(error.localizedDescription)")
    }
    defer { try? FileManager.default.removeItem(at: staging) }
    let h5 = try HDF5File(creating: staging.appendingPathComponent("model.weights.h5").path)
    try h5.createGroup("vars")
    for (p, t) in tensors {
        try h5.createGroup((p as NSString).deletingLastPathComponent)
        try h5.write(t, at: p)
    }
    for group in writer.emptyGroups { try h5.createGroup(group) }
    h5.close()
    let metadata: JSONValue = ["keras_version": "3.5.0", "date_saved": .string(ISO8601DateFormatter().string(from: Date())),
                               "plexus": "exported by Plexus"]
    try config.encoded().write(to: staging.appendingPathComponent("config.json"))
    try metadata.encoded().write(to: staging.appendingPathComponent("metadata.json"))

    let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
    try? FileManager.default.removeItem(at: temporary)
    do {
        let archive = try Archive(url: temporary, accessMode: .create)
        for name in ["metadata.json", "config.json", "model.weights.h5"] {
            try archive.addEntry(with: name, relativeTo: staging, compressionMethod: .none)
        }
    } catch {
        try? FileManager.default.removeItem(at: temporary)
        throw DataError(file: path, "cannot be written: \(error.localizedDescription)")
    }
    guard rename(temporary.path, path) == 0 else {
        let reason = String(cString: strerror(errno))
        try? FileManager.default.removeItem(at: temporary)
        throw DataError(file: path, "cannot be written: \(reason)")
    }
    var module: String?
    if writer.usesCustomLayers {
        let modulePath = folder.appendingPathComponent("plexus_layers.py").path
        do { try plexusLayersPython.write(toFile: modulePath, atomically: true, encoding: .utf8) } catch {
            throw DataError(file: modulePath, "cannot be written: \(error.localizedDescription)")
        }
        module = modulePath
    }
    return KerasExportReport(path: path, customLayersModule: module, weightCount: tensors.count)
}

/// Builds the config entries and weight paths of an export.
struct KerasExportWriter {
    /// Whether a custom layer of `plexus_layers.py` was used.
    private(set) var usesCustomLayers = false
    /// The `layers/<name>/vars` groups of layers without weights (Keras writes them too).
    private(set) var emptyGroups: [String] = []

    /// The entry of `model`: the whole file's root, or a nested model's entry in its parent's list
    /// (with the name and inbound nodes added by the caller).
    mutating func modelEntry(_ model: Model, asLayer: Bool) throws -> JSONValue {
        // Node indices as Keras counts them: the calls of each layer inside this model, in order.
        var localIndex: [ObjectIdentifier: Int] = [:]
        var counts: [ObjectIdentifier: Int] = [:]
        for node in model.graphNodes.sorted(by: { $0.index < $1.index }) {
            let key = ObjectIdentifier(node.layer)
            localIndex[ObjectIdentifier(node)] = counts[key, default: 0]
            counts[key, default: 0] += 1
        }
        func tensor(_ t: SymbolicTensor) throws -> JSONValue {
            guard let n = localIndex[ObjectIdentifier(t.node)] else {
                throw NetworkError(model.name, "uses \(t.sourceDescription), which its graph does not hold")
            }
            return ["class_name": "__keras_tensor__",
                    "config": ["shape": .array(t.shape.map { $0.map { .number(Double($0)) } ?? nil }), "dtype": "float32",
                               "keras_history": [.string(t.node.layer.name), .number(Double(n)), .number(Double(t.outputIndex))]]]
        }
        func reference(_ t: SymbolicTensor) throws -> JSONValue {
            let h = try tensor(t)["config"]?["keras_history"] ?? nil
            return h
        }
        let firstInput = model.inputs.first
        var layers: [JSONValue] = []
        for layer in model.layers {
            var entry = try layerEntry(layer)
            let nodes = model.graphNodes.filter { $0.layer === layer }.sorted { $0.index < $1.index }
            var inbound: [JSONValue] = []
            for node in nodes where !(layer is InputLayer) {
                var inputs = try node.inputs.map(tensor)
                if layer is WeightSource, let firstInput { inputs = [try tensor(firstInput)] }
                let single = inputs.count == 1 && !(layer is Merge || layer is Concatenate || layer is Model)
                let args: JSONValue = single ? .array(inputs) : .array([.array(inputs)])
                inbound.append(["args": args, "kwargs": .object([:])])
            }
            if case var .object(o) = entry {
                o["inbound_nodes"] = .array(inbound)
                o["name"] = .string(layer.name)
                entry = .object(o)
            }
            layers.append(entry)
        }
        let single = { (ts: [SymbolicTensor]) throws -> JSONValue in
            ts.count == 1 ? try reference(ts[0]) : .array(try ts.map(reference))
        }
        let config: JSONValue = ["name": .string(model.name), "trainable": .bool(!model.isFrozen), "layers": .array(layers),
                                 "input_layers": try single(model.inputs), "output_layers": try single(model.outputs)]
        return ["module": "keras.src.models.functional", "class_name": "Functional", "config": config,
                "registered_name": "Functional"]
    }

    /// A layer's entry (without its inbound nodes).
    private mutating func layerEntry(_ layer: Layer) throws -> JSONValue {
        if let nested = layer as? Model { return try modelEntry(nested, asLayer: true) }
        if let input = layer as? InputLayer {
            return ["module": "keras.layers", "class_name": "InputLayer", "registered_name": nil,
                    "config": ["batch_shape": .array(input.batchShape.map { $0.map { .number(Double($0)) } ?? nil }),
                               "dtype": "float32", "sparse": false, "name": .string(input.name)]]
        }
        if layer is WeightSource, layer.name.contains("/") {
            throw NetworkError("\(layer.name) (Weight)", "is a layer's weight used as a value; Keras cannot express a layer that shares another layer's weight",
                               hint: "use a free weight (weight(...)) in the expression instead")
        }
        for entry in kerasLayerTable.values {
            guard var config = entry.export(layer) else { continue }
            for (key, value) in entry.fixed where config[key] == nil { config[key] = value }
            config["name"] = .string(layer.name)
            config["trainable"] = .bool(!layer.isFrozen)
            config["dtype"] = "float32"
            if entry.isCustom {
                usesCustomLayers = true
                return ["module": "plexus_layers", "class_name": .string(entry.className), "config": .object(config),
                        "registered_name": .string("plexus>\(entry.className)")]
            }
            if let module = entry.module {
                return ["module": .string(module), "class_name": .string(entry.className), "config": .object(config),
                        "registered_name": .string(entry.className)]
            }
            return ["module": "keras.layers", "class_name": .string(entry.className), "config": .object(config), "registered_name": nil]
        }
        throw NetworkError("\(layer.name) (\(layer.typeName))", "has no Keras counterpart; the model cannot be saved as a .keras file")
    }

    /// Every weight at its Keras path (`layers/conv2d/vars/0`), numbered as Keras numbers the
    /// layers of each model (snake-cased class name, `_1`, `_2` for repeats).
    mutating func weights(of model: Model, prefix: String, into tensors: inout [(String, Tensor)],
                          visited: inout Set<ObjectIdentifier>, generator: inout RandomGenerator) throws {
        var used: [String: Int] = [:]
        for layer in model.layers {
            var group = snakeCaseName(defaultKerasClass(layer))
            if let n = used[group] { used[group] = n + 1; group += "_\(n + 1)" } else { used[group] = 0 }
            guard visited.insert(ObjectIdentifier(layer)).inserted else { continue }
            let path = prefix + "layers/" + group
            if let nested = layer as? Model {
                emptyGroups.append(path + "/vars")
                try weights(of: nested, prefix: path + "/", into: &tensors, visited: &visited, generator: &generator)
                continue
            }
            if layer.ownWeights.isEmpty { emptyGroups.append(path + "/vars") }
            for (i, w) in layer.ownWeights.enumerated() {
                tensors.append(("\(path)/vars/\(i)", try w.materialize(using: &generator).value))
            }
        }
    }
}

/// The Keras class `saveKeras` writes for `layer` (custom layers included), from the table.
func kerasClassName(_ layer: Layer) -> String? {
    kerasLayerTable.values.first { $0.export(layer) != nil }?.className
}

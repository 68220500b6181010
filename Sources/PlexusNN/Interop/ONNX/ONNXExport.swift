import PlexusTensor
import Foundation
import SwiftProtobuf

/// What `exportONNX` writes alongside the graph.
public struct ONNXExportOptions {
    /// Expressions of weights (`W = sum_i a_i b_i`, a kernel reshaped from a weight) become one
    /// initializer holding their value instead of the nodes that compute it. Off by default, so a
    /// trainer can still train `a` with `b` fixed.
    public var foldWeights: Bool

    public init(foldWeights: Bool = false) {
        self.foldWeights = foldWeights
    }
}

/// The opset and IR version of exported files: opset 17 is the common ground of the importers
/// (onnx2torch, TensorRT, onnxruntime-web); IR version 8 is the one that introduced it.
public enum ONNXFormat {
    public static let opset = 17
    public static let irVersion = 8

    /// The bytes of a `.onnx` file holding `model`.
    ///
    /// - Throws: `NetworkError` when protobuf cannot encode it (a model above protobuf's 2 GB).
    public static func serialize(_ model: Onnx_ModelProto) throws -> Data {
        do {
            return try model.serializedData()
        } catch {
            throw NetworkError(model.graph.name, "cannot be serialised to ONNX: \(error)")
        }
    }
}

extension Model {
    /// The model as an ONNX graph (opset 17) that runs in ONNX Runtime at any batch size.
    ///
    /// Inputs and outputs are named after the model's (the input layers' and the output layers'
    /// names); the batch dimension is the symbolic `batch`. Images stay NHWC at the graph's edges
    /// and are transposed once to NCHW inside, where ONNX's convolutions work. Nested models are
    /// inlined; a weight used by several layers (a siamese network's feature model) is one
    /// initializer. Weights without storage are materialised first, drawn from `generator`, as a
    /// forward pass would.
    ///
    /// The whole graph is built in memory before anything is written, so a layer without an ONNX
    /// form is refused, by name, with no file touched.
    ///
    /// - Throws: `NetworkError` naming the first layer that cannot be exported and why.
    public func onnxModel(options: ONNXExportOptions = ONNXExportOptions(),
                          using generator: inout RandomGenerator) throws -> Onnx_ModelProto {
        try materializeWeights(using: &generator)
        let exporter = ONNXExporter(options: options, generator: generator)
        defer { generator = exporter.context.generator }
        return try exporter.export(self)
    }
}

/// ONNX's test-data layout (`test_data_set_N/input_K.pb`, `output_K.pb`): one serialised
/// TensorProto per input or expected output, named after the graph's inputs and outputs, as the
/// ONNX model zoo ships reference data beside a model.
public func onnxTestTensor(_ tensor: Tensor, name: String) throws -> Data {
    var t = onnxTensor(tensor)
    t.name = name
    return try t.serializedData()
}

/// Walks a model's graph (inlining nested models) and fills an `ONNXGraphBuilder`, one layer
/// at a time through the layer table (`ONNXExporter.emit`, in ONNXLayerTable.swift).
final class ONNXExporter {
    let options: ONNXExportOptions
    let context: ForwardContext
    let graph = ONNXGraphBuilder()

    init(options: ONNXExportOptions, generator: RandomGenerator) {
        self.options = options
        self.context = ForwardContext(training: false, generator: generator)
    }

    private struct TensorKey: Hashable {
        let node: ObjectIdentifier
        let index: Int
        init(_ t: SymbolicTensor) { node = ObjectIdentifier(t.node); index = t.outputIndex }
        init(_ n: Node, _ i: Int) { node = ObjectIdentifier(n); index = i }
    }

    func export(_ model: Model) throws -> Onnx_ModelProto {
        var inputs: [ONNXValue] = []
        var inputInfos: [Onnx_ValueInfoProto] = []
        for t in model.inputs {
            let base = t.node.layer is InputLayer ? t.node.layer.name : t.sourceDescription
            let name = graph.uniqueName(base)
            inputs.append(ONNXValue(name: name, shape: t.shape, layout: .plexus))
            inputInfos.append(onnxValueInfo(name, shape: t.shape, isInput: true))
        }
        let results = try emitModel(model, inputs: inputs, prefix: "")
        var outputInfos: [Onnx_ValueInfoProto] = []
        var outputNames = Set<String>()
        let inputNames = Set(inputs.map(\.name))
        for (t, value) in zip(model.outputs, results) {
            var name = try graph.name(of: value, in: .plexus)
            let wanted = t.sourceDescription
            if name != wanted, !outputNames.contains(wanted), !inputNames.contains(wanted) {
                if graph.isUsed(wanted) { graph.rename(wanted, to: graph.uniqueName(wanted + "/inner")) }
                if graph.isProduced(name), !outputNames.contains(name) {
                    graph.rename(name, to: wanted)
                    name = wanted
                } else {
                    name = graph.add("Identity", [name], output: wanted)
                }
            } else if outputNames.contains(name) || inputNames.contains(name) {
                name = graph.add("Identity", [name], output: wanted)
            }
            outputNames.insert(name)
            outputInfos.append(onnxValueInfo(name, shape: t.shape, isInput: false))
        }

        var g = Onnx_GraphProto()
        g.name = model.name
        g.node = graph.nodes
        g.initializer = graph.initializers
        g.input = inputInfos
        g.output = outputInfos
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Int64(ONNXFormat.opset)
        var m = Onnx_ModelProto()
        m.irVersion = Int64(ONNXFormat.irVersion)
        m.opsetImport = [opset]
        m.producerName = "plexus"
        m.producerVersion = PlexusNN.version
        m.graph = g
        return m
    }

    /// The calls of `model` on `inputs`, in execution order; a nested model's calls are inlined
    /// under `prefix` + its name (`feature/conv2d`, `feature[1]/conv2d` for its second call).
    func emitModel(_ model: Model, inputs: [ONNXValue], prefix: String) throws -> [ONNXValue] {
        var values: [TensorKey: ONNXValue] = [:]
        for (t, v) in zip(model.inputs, inputs) { values[TensorKey(t)] = v }
        for node in model.graphNodes where !(node.layer is InputLayer) {
            if node.outputShapes.count == 1, values[TensorKey(node, 0)] != nil { continue } // a model input (cut)
            let ins = try node.inputs.map { t -> ONNXValue in
                guard let v = values[TensorKey(t)] else {
                    throw NetworkError(model.name, "internal: \(t.reference) is read before it is computed")
                }
                return v
            }
            let layer = node.layer
            let name = prefix + layer.name
            let outs: [ONNXValue]
            if let nested = layer as? Model {
                let call = node.index == 0 ? name : "\(name)[\(node.index)]"
                outs = try emitModel(nested, inputs: ins, prefix: call + "/")
            } else if let source = layer as? WeightSource {
                let w = source.weight
                outs = [ONNXValue(name: w.path, shape: w.shape.map { $0 }, layout: .plexus, constant: weightConstant(w))]
            } else if options.foldWeights, !ins.isEmpty, ins.allSatisfy({ $0.constant != nil }) {
                outs = try fold(layer, ins, node: node, name: name)
            } else {
                outs = try emit(layer, ins, outShapes: node.outputShapes, name: name)
            }
            for (i, v) in outs.enumerated() { values[TensorKey(node, i)] = v }
        }
        return try model.outputs.map { t in
            guard let v = values[TensorKey(t)] else { throw NetworkError(model.name, "internal: output \(t.reference) is never computed") }
            return v
        }
    }

    /// A call whose inputs are all constants, computed now by Plexus itself: its value becomes
    /// a constant (stored as one initializer when used).
    private func fold(_ layer: Layer, _ ins: [ONNXValue], node: Node, name: String) throws -> [ONNXValue] {
        let values = try ins.map { v -> Variable in
            guard let c = v.constant else { throw NetworkError(layer.name, "internal: folding a non-constant") }
            return Variable(try c.value())
        }
        let outs = try withoutGradients { try layer.forwardAll(values, context: context) }
        return outs.enumerated().map { i, v in
            let tensorName = outs.count == 1 ? name : "\(name):\(i)"
            let value = v.value
            return ONNXValue(name: tensorName, shape: value.shape.map { $0 }, layout: .plexus,
                             constant: ONNXConstant(key: "folded:\(tensorName)", name: tensorName) { value })
        }
    }
}

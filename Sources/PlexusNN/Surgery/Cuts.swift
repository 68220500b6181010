/// A place where a model can be cut in two: a tensor that carries everything downstream.
///
/// Every path from the model's inputs to its outputs passes through it, so the part before it and
/// the part after it are models of their own (`slice(m, to:)` and `slice(m, from:)`) whose
/// parameters add up to the whole.
public struct Cut: CustomStringConvertible {
    /// The tensor.
    public let tensor: SymbolicTensor
    /// The layer that produced it.
    public let layer: Layer
    /// How to refer to it: the layer's name, or `feature[1][0]` for a later call of a shared layer.
    public let name: String
    /// Its shape.
    public let shape: [Int?]
    /// The index of `layer` in the model's `layers` (what `m.layers[i]` means), or `nil` for a
    /// model input produced outside the model (a model that was itself cut from another).
    public let position: Int?

    /// `block1_pool (MaxPooling2D) (None, 112, 112, 64) at layer 3`.
    public var description: String {
        "\(name) (\(layer.typeName)) \(formatSymbolicShape(shape))" + (position.map { " at layer \($0)" } ?? " (input)")
    }
}

/// The cuts of a model, in execution order: the tensors through which a single value carries
/// everything downstream, the only places where a DAG can be cut in two.
///
/// In a chain every tensor is a cut; in a residual or Inception block only the tensors before
/// the branches split and after they merge are (the branches cross every tensor in between). In
/// a model with several inputs no input is a cut; the first cut comes after the inputs merge.
/// Weights used as values (`weight.symbolic`) are constants, not inputs: they do not prevent
/// a cut.
public func cuts(_ model: Model) -> [Cut] {
    let graph = TensorGraph(model)
    return graph.cuts(sources: graph.inputs, sinks: graph.outputs).map { makeCut(graph.tensors[$0], in: model) }
}

func makeCut(_ t: SymbolicTensor, in model: Model) -> Cut {
    let inModel = model.graphNodes.contains { $0 === t.node }
    return Cut(tensor: t, layer: t.producer, name: t.sourceDescription, shape: t.shape,
               position: inModel ? model.layers.firstIndex { $0 === t.producer } : nil)
}

/// The cuts as a table: layer index, tensor (with its layer's type) and shape, under a title
/// saying how many there are.
///
/// ```
/// Cuts of "residual": 3 tensors carry everything downstream
/// ┏━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
/// ┃ Layer ┃ Tensor (type)                ┃ Shape                     ┃
/// ```
public func cutTable(_ cuts: [Cut], modelName: String? = nil) -> String {
    let what = cuts.count == 1 ? "1 tensor carries" : "\(cuts.count) tensors carry"
    var lines = [(modelName.map { "Cuts of \"\($0)\": " } ?? "Cuts: ") + what + " everything downstream"]
    guard !cuts.isEmpty else {
        lines.append("no single tensor does: the inputs stay separate up to the outputs")
        return lines.joined(separator: "\n")
    }
    let table = BoxTable(headers: ["Layer", "Tensor (type)", "Shape"], positions: [0.14, 0.65, 1.0],
                         rightAligned: [true, false, false], lineLength: 76)
    lines += table.render(cuts.map { c in
        [c.position.map(String.init) ?? "-", "\(c.name) (\(c.layer.typeName))", formatSymbolicShape(c.shape)]
    })
    return lines.joined(separator: "\n")
}

/// The cuts of `model` as a table (see `cutTable(_:modelName:)`).
public func cutTable(_ model: Model) -> String { cutTable(cuts(model), modelName: model.name) }

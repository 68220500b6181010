/// The summary of a model as Keras 3 prints it, improved where Keras misleads.
///
/// Layout (Keras 3's `print_summary` through `rich`): `Model: "name"`, a box table with
/// `Layer (type)`, `Output Shape`, `Param #` and, unless the model is a plain chain (Keras's
/// "sequential-like" test), `Connected to` with Keras's `name[node][tensor]` references; a line
/// between rows; then ` Total params: 5,318 (20.77 KB)`, ` Trainable params: ...`,
/// ` Non-trainable params: ...` with 1024-based units. Default line lengths are Keras's: 88 for
/// chains, 108 with `Connected to`.
///
/// Improvements (DESIGN.md, "what users trip over"):
/// - cells wrap instead of ending in "…", so every connection is listed;
/// - a layer called more than once in the model is marked `[shared x2]` and lists each call's
///   input and output shapes (Keras shows only the last call's output, keras#12213), with one
///   `Connected to` line per call;
/// - counts are over unique weights, so a shared layer counts once;
/// - a nested model is one row with its subtotal; `expand: true` lists its layers below it,
///   indented with `└` as Keras's `expand_nested` does;
/// - `[frozen]` (parameters not trainable) and `[inference mode]` (BatchNormalization using its
///   moving statistics in training) are separate marks (keras#7085, #9522).
public func summary(_ model: Model, expand: Bool = false, lineLength: Int? = nil) -> String {
    summaryText(model, expand: expand, lineLength: lineLength)
}

func summaryText(_ model: Model, expand: Bool, lineLength: Int?) -> String {
    let sequential = isSequentialLike(model)
    var table: BoxTable
    if sequential {
        table = BoxTable(headers: ["Layer (type)", "Output Shape", "Param #"], positions: [0.45, 0.80, 1.0],
                         rightAligned: [false, false, true], lineLength: lineLength ?? 88)
    } else {
        table = BoxTable(headers: ["Layer (type)", "Output Shape", "Param #", "Connected to"],
                         positions: [0.3, 0.56, 0.74, 1.0], rightAligned: [false, false, true, false],
                         lineLength: lineLength ?? 108)
    }
    var rows: [[String]] = []
    func addRows(_ m: Model, level: Int) {
        for layer in m.layers {
            var cells = summaryCells(layer, in: m, prefix: level == 0 ? "" : String(repeating: "   ", count: level) + "└ ",
                                     shapeWidth: table.columns[1].width - 2,
                                     connectedWidth: sequential ? 1 : table.columns[3].width - 2)
            if sequential { cells.removeLast() }
            rows.append(cells)
            if expand, let nested = layer as? Model { addRows(nested, level: level + 1) }
        }
    }
    addRows(model, level: 0)
    table.widen(2, toFit: rows.map { $0[2].split(separator: " ").first?.count ?? 0 }.max() ?? 0, takingFrom: 0)
    let count = model.parameterCount
    var lines = ["Model: \"\(model.name)\""]
    lines += table.render(rows)
    lines.append(" Total params: \(formatCount(count.total)) (\(formatBytes(ParameterCount.bytes(count.total))))")
    lines.append(" Trainable params: \(formatCount(count.trainable)) (\(formatBytes(ParameterCount.bytes(count.trainable))))")
    lines.append(" Non-trainable params: \(formatCount(count.nonTrainable)) (\(formatBytes(ParameterCount.bytes(count.nonTrainable))))")
    return lines.joined(separator: "\n")
}

extension Model {
    /// The Keras-style summary table (see `summary(_:expand:lineLength:)`).
    public func summary(expand: Bool = false, lineLength: Int? = nil) -> String {
        summaryText(self, expand: expand, lineLength: lineLength)
    }
}

/// Keras's test for printing a model without `Connected to`: one call per depth, each with at
/// most one input, and no layer called twice.
func isSequentialLike(_ model: Model) -> Bool {
    for nodes in model.nodesByDepth where nodes.count > 1 || (nodes.count == 1 && nodes[0].inputs.count > 1) {
        return false
    }
    var calls: [ObjectIdentifier: Int] = [:]
    for node in model.graphNodes { calls[ObjectIdentifier(node.layer), default: 0] += 1 }
    return !calls.values.contains { $0 > 1 }
}

/// The marks after a layer's name: shared, frozen, inference mode.
func summaryMarks(_ layer: Layer, calls: Int) -> [String] {
    var marks: [String] = []
    if calls > 1 { marks.append("shared x\(calls)") }
    switch layer.trainableState {
    case .frozen: marks.append("frozen")
    case .partlyFrozen: marks.append("partly frozen")
    default: break
    }
    if let bn = layer as? BatchNormalization, bn.inferenceMode { marks.append("inference mode") }
    if let m = layer as? Model {
        let n = allLayers(of: m).filter { ($0 as? BatchNormalization)?.inferenceMode == true }.count
        if n > 0 { marks.append("\(n) BatchNormalization in inference mode") }
    }
    return marks
}

/// Every layer of a model and of the models nested in it, each once.
func allLayers(of model: Model) -> [Layer] {
    var seen = Set<ObjectIdentifier>()
    var out: [Layer] = []
    func walk(_ m: Model) {
        for l in m.layers where seen.insert(ObjectIdentifier(l)).inserted {
            out.append(l)
            if let n = l as? Model { walk(n) }
        }
    }
    walk(model)
    return out
}

/// Name, output shape, parameter count and connections of one layer of `model`. A layer called
/// several times gets one block of lines per call, `input shapes → output shapes` beside that
/// call's inputs, the blocks aligned across the two columns (hence the widths).
func summaryCells(_ layer: Layer, in model: Model, prefix: String, shapeWidth: Int, connectedWidth: Int) -> [String] {
    let calls = model.calls(of: layer)
    var name = "\(prefix)\(layer.name) (\(layer.typeName))"
    let marks = summaryMarks(layer, calls: calls.count)
    if !marks.isEmpty { name += "\n" + String(repeating: " ", count: prefix.count) + "[" + marks.joined(separator: ", ") + "]" }

    func outputs(_ node: Node) -> String {
        node.outputShapes.count == 1 ? formatSymbolicShape(node.outputShapes[0])
            : "[" + node.outputShapes.map(formatSymbolicShape).joined(separator: ", ") + "]"
    }
    func connections(_ node: Node) -> String {
        node.inputs.isEmpty ? "-" : node.inputs.map(\.reference).joined(separator: ", ")
    }
    let params = layer.isBuilt ? formatCount(layer.parameterCount.total) : "0 (unbuilt)"
    switch calls.count {
    case 0:
        return [name, "?", params, "-"]
    case 1:
        return [name, outputs(calls[0]), params, connections(calls[0])]
    default:
        var shapeLines: [String] = [], connectedLines: [String] = []
        for node in calls {
            let io = (node.inputShapes.isEmpty ? "" : node.inputShapes.map(formatSymbolicShape).joined(separator: ", ") + " → ") + outputs(node)
            var a = wrap(io, width: shapeWidth), b = wrap(connections(node), width: connectedWidth)
            let height = Swift.max(a.count, b.count)
            a += Array(repeating: "", count: height - a.count)
            b += Array(repeating: "", count: height - b.count)
            shapeLines += a
            connectedLines += b
        }
        return [name, shapeLines.joined(separator: "\n"), params, connectedLines.joined(separator: "\n")]
    }
}

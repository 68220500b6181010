/// The summary of a model as Keras 3 prints it, improved where Keras misleads.
///
/// Layout (Keras 3's `print_summary` through `rich`): `Model: "name"`, a box table with
/// `Layer (type)`, `Output Shape`, `Param #` and, unless the model is a plain chain (Keras's
/// "sequential-like" test), `Connected to` with Keras's `name[node][tensor]` references; a line
/// between rows; then ` Total params: 5,318 (20.77 KB)`, ` Trainable params: ...`,
/// ` Non-trainable params: ...` with 1024-based units. Default line lengths are Keras's: 88 for
/// chains, 108 with `Connected to`.
///
/// Improvements (docs/design.md, "what users of other tools trip over"):
/// - cells wrap instead of ending in "…", so every connection is listed;
/// - a layer called more than once in the model is marked `[shared x2]` and lists each call's
///   input and output shapes (Keras shows only the last call's output, keras#12213), with one
///   `Connected to` line per call;
/// - counts are over unique weights, so a shared layer counts once;
/// - a nested model is one row with its subtotal; `expand: true` lists its layers below it,
///   indented with `└` as Keras's `expand_nested` does;
/// - `[frozen]` (parameters not trainable) and `[inference mode]` (BatchNormalization using its
///   moving statistics in training) are separate marks (keras#7085, #9522).
///
/// With `costs` (from `costs(_:batch:)`), a `MACs` column follows `Param #` (each call of a shared
/// layer on a line of its own) and a totals block follows the parameter lines: MACs and FLOPs
/// per sample, and memory for the batch the costs were computed for (see `costsBlock`). Without
/// it the table is exactly as before.
public func summary(_ model: Model, expand: Bool = false, lineLength: Int? = nil, costs: ModelCosts? = nil) -> String {
    summaryText(model, expand: expand, lineLength: lineLength, costs: costs)
}

func summaryText(_ model: Model, expand: Bool, lineLength: Int?, costs: ModelCosts? = nil) -> String {
    let sequential = isSequentialLike(model)
    var table: BoxTable
    switch (sequential, costs != nil) {
    case (true, false):
        table = BoxTable(headers: ["Layer (type)", "Output Shape", "Param #"], positions: [0.45, 0.80, 1.0],
                         rightAligned: [false, false, true], lineLength: lineLength ?? 88)
    case (false, false):
        table = BoxTable(headers: ["Layer (type)", "Output Shape", "Param #", "Connected to"],
                         positions: [0.3, 0.56, 0.74, 1.0], rightAligned: [false, false, true, false],
                         lineLength: lineLength ?? 108)
    case (true, true):
        table = BoxTable(headers: ["Layer (type)", "Output Shape", "Param #", "MACs"], positions: [0.40, 0.68, 0.82, 1.0],
                         rightAligned: [false, false, true, true], lineLength: lineLength ?? 104)
    case (false, true):
        table = BoxTable(headers: ["Layer (type)", "Output Shape", "Param #", "MACs", "Connected to"],
                         positions: [0.26, 0.48, 0.61, 0.75, 1.0], rightAligned: [false, false, true, true, false],
                         lineLength: lineLength ?? 128)
    }
    let connectedColumn = costs == nil ? 3 : 4
    var nestedCosts: [ObjectIdentifier: ModelCosts] = [:]
    var rows: [[String]] = []
    func addRows(_ m: Model, level: Int, costs c: ModelCosts?) {
        for layer in m.layers {
            var cells = summaryCells(layer, in: m, prefix: level == 0 ? "" : String(repeating: "   ", count: level) + "└ ",
                                     shapeWidth: table.columns[1].width - 2,
                                     connectedWidth: sequential ? 1 : table.columns[connectedColumn].width - 2)
            if let c {
                let macs = c.callMacs(of: layer)
                cells.insert(macs.isEmpty ? "-" : alignedPerCall(macs.map(formatCount), layer, in: m, shapeWidth: table.columns[1].width - 2,
                                                                 connectedWidth: sequential ? 1 : table.columns[connectedColumn].width - 2),
                             at: 3)
            } else if costs != nil {
                cells.insert("", at: 3)
            }
            if sequential { cells.removeLast() }
            rows.append(cells)
            if expand, let nested = layer as? Model {
                var inner: ModelCosts?
                if costs != nil {
                    inner = nestedCosts[ObjectIdentifier(nested)] ?? (try? nested.costs())
                    nestedCosts[ObjectIdentifier(nested)] = inner
                }
                addRows(nested, level: level + 1, costs: inner)
            }
        }
    }
    addRows(model, level: 0, costs: costs)
    table.widen(2, toFit: rows.map { $0[2].split(separator: " ").first?.count ?? 0 }.max() ?? 0, takingFrom: 0)
    let count = model.parameterCount
    var lines = ["Model: \"\(model.name)\""]
    lines += table.render(rows)
    lines.append(" Total params: \(formatCount(count.total)) (\(formatBytes(ParameterCount.bytes(count.total))))")
    lines.append(" Trainable params: \(formatCount(count.trainable)) (\(formatBytes(ParameterCount.bytes(count.trainable))))")
    lines.append(" Non-trainable params: \(formatCount(count.nonTrainable)) (\(formatBytes(ParameterCount.bytes(count.nonTrainable))))")
    if let costs { lines += costsBlock(costs) }
    return lines.joined(separator: "\n")
}

/// The totals of `costs` under a summary:
/// ```
///  MACs: 15,470,264,320 per sample (15.47 G); FLOPs: 30,974,400,712 (2 x MACs + 33,872,072 elementwise)
///  Memory, batch 1: parameters 527.79 MB; inference 527.79 MB + 14.93 MB activations (peak);
///  training 527.79 MB + 58.60 MB activations kept + 527.79 MB gradients + 1.03 GB adam state = 2.11 GB
/// ```
public func costsBlock(_ costs: ModelCosts) -> [String] {
    let elementwise = costs.flops - 2 * costs.macs
    let p = formatBytes(Double(costs.parameterBytes))
    var training = " Training: \(p) parameters + \(formatBytes(Double(costs.trainingActivationBytes))) activations kept"
    training += " + \(formatBytes(Double(costs.gradientBytes))) gradients"
    if let name = costs.optimizerName {
        training += " + \(formatBytes(Double(costs.optimizerStateBytes))) \(name) state"
    } else {
        training += " (+ optimizer state once compiled)"
    }
    training += " = \(formatBytes(Double(costs.trainingBytes)))"
    return [
        " MACs: \(formatCount(costs.macs)) per sample (\(formatMetric(Double(costs.macs))))",
        " FLOPs: \(formatCount(costs.flops)) per sample (\(formatMetric(Double(costs.flops)))): 2 x MACs + \(formatCount(elementwise)) elementwise",
        " Memory for batch \(costs.batch):",
        " Inference: \(p) parameters + \(formatBytes(Double(costs.inferenceActivationBytes))) activations (peak) = \(formatBytes(Double(costs.inferenceBytes)))",
        training,
    ]
}

/// A count with a decimal SI prefix, as compute is usually quoted: `15.47 G`, `7.30 M`, `569 K`.
public func formatMetric(_ x: Double) -> String {
    let units: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")]
    for (scale, unit) in units where abs(x) >= scale { return String(format: "%.2f", x / scale) + " " + unit }
    return String(format: "%.0f", x)
}

extension Model {
    /// The Keras-style summary table (see `summary(_:expand:lineLength:)`).
    public func summary(expand: Bool = false, lineLength: Int? = nil, costs: ModelCosts? = nil) -> String {
        summaryText(self, expand: expand, lineLength: lineLength, costs: costs)
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

/// One line per call of `layer` (`values[i]` for call `i`), each placed on the first line of that
/// call's block in the shape and connection columns of `summaryCells`.
func alignedPerCall(_ values: [String], _ layer: Layer, in model: Model, shapeWidth: Int, connectedWidth: Int) -> String {
    let calls = model.calls(of: layer)
    guard calls.count > 1, calls.count == values.count else { return values.joined(separator: "\n") }
    var lines: [String] = []
    for (node, value) in zip(calls, values) {
        let outputs = node.outputShapes.count == 1 ? formatSymbolicShape(node.outputShapes[0])
            : "[" + node.outputShapes.map(formatSymbolicShape).joined(separator: ", ") + "]"
        let io = (node.inputShapes.isEmpty ? "" : node.inputShapes.map(formatSymbolicShape).joined(separator: ", ") + " → ") + outputs
        let connections = node.inputs.isEmpty ? "-" : node.inputs.map(\.reference).joined(separator: ", ")
        let height = Swift.max(wrap(io, width: shapeWidth).count, wrap(connections, width: connectedWidth).count)
        lines.append(value)
        lines += Array(repeating: "", count: Swift.max(height - 1, 0))
    }
    return lines.joined(separator: "\n")
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

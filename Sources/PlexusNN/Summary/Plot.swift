/// The graph of a model drawn in the terminal, one line per layer in execution order, with its
/// output shape; or, with `dot: true`, Graphviz DOT text (`dotGraph`).
///
/// The drawing works like `git log --graph`: each tensor on its way to a later layer runs down a
/// column (a lane) as `│`. A layer is `●` in the lane of its first input; `├─┐` splits a tensor
/// into lanes for its other consumers, `├─┘` merges lanes into a layer with several inputs.
/// A layer called on several tensors side by side (a shared feature model) is drawn once, its
/// calls `●─●` on one line marked `x2`; calls one after another get a line each, `[call 1 of 2]`.
///
/// ```
/// ● input_layer (InputLayer)     (None, 28, 28, 1)
/// │ ● input_layer_1 (InputLayer) (None, 28, 28, 1)
/// ●─● feature (Functional) x2    (None, 512)
/// ├─┘
/// ● concatenate (Concatenate)    (None, 1024)
/// ```
///
/// With `costs` (from `costs(_:batch:)`), each line ends with the MACs of its calls (a shared
/// layer drawn once: the sum, and the number of calls).
public func plot(_ model: Model, dot: Bool = false, costs: ModelCosts? = nil) -> String {
    dot ? dotGraph(model, costs: costs) : PlotLayout(model).render(costs: costs)
}

/// The terminal drawing as an SVG picture: the same layout in a monospaced font, black on white,
/// so it opens in any browser or image viewer (`plot(m, file: "m.svg")`).
public func svgGraph(_ model: Model, costs: ModelCosts? = nil) -> String {
    let lines = plot(model, costs: costs).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let charWidth = 8.4, lineHeight = 18.0, margin = 12.0
    let width = Double(lines.map(\.count).max() ?? 0) * charWidth + 2 * margin
    let height = Double(lines.count) * lineHeight + 2 * margin
    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
    var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width.rounded(.up)))\" height=\"\(Int(height.rounded(.up)))\">",
               "<title>\(escape(model.name))</title>",
               "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
               "<g font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"14\" fill=\"black\" xml:space=\"preserve\">"]
    for (i, line) in lines.enumerated() where !line.isEmpty {
        out.append("<text x=\"\(margin)\" y=\"\(margin + Double(i + 1) * lineHeight - 4)\">\(escape(line))</text>")
    }
    out += ["</g>", "</svg>"]
    return out.joined(separator: "\n") + "\n"
}

/// The model as a Graphviz digraph: one box per layer (a shared layer once, marked `shared x2`
/// with a double border) with its output shapes, one edge per tensor a call reads; the edges into
/// a shared layer say which call they feed (`call 1`), and with `edgeShapes` every edge carries
/// its tensor's shape. With `costs`, each box says its MACs. `dot -Tpng m.dot -o m.png` draws it.
public func dotGraph(_ model: Model, edgeShapes: Bool = false, costs: ModelCosts? = nil) -> String {
    func quote(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
    var lines = ["digraph \(quote(model.name)) {", "  rankdir=TB;", "  node [shape=box, fontname=\"monospace\"];"]
    var ids: [ObjectIdentifier: String] = [:]
    let inGraph = Set(model.graphNodes.map(ObjectIdentifier.init))
    var boxes: [(Layer, [[Int?]], Int, String?)] = []
    for t in model.inputs where !inGraph.contains(ObjectIdentifier(t.node)) {
        boxes.append((t.producer, [t.shape], 1, "input"))
    }
    for layer in model.layers {
        let calls = model.calls(of: layer)
        boxes.append((layer, calls.flatMap(\.outputShapes), calls.count, nil))
    }
    for (i, (layer, shapes, calls, note)) in boxes.enumerated() {
        let id = "n\(i)"
        ids[ObjectIdentifier(layer)] = id
        var seen = Set<String>()
        let shapeText = shapes.map(formatSymbolicShape).filter { seen.insert($0).inserted }.joined(separator: "\n")
        let title = "\(layer.name) (\(layer.typeName))" + (calls > 1 ? " shared x\(calls)" : "") + (note.map { ", \($0)" } ?? "")
        var label = title + "\n" + shapeText
        if let costs, note == nil, calls > 0, !(layer is InputLayer) { label += "\n" + macsNote(costs.callMacs(of: layer)) }
        lines.append("  \(id) [label=\(quote(label).replacingOccurrences(of: "\n", with: "\\n"))\(calls > 1 ? ", peripheries=2" : "")];")
    }
    for node in model.graphNodes {
        guard let to = ids[ObjectIdentifier(node.layer)] else { continue }
        let shared = model.calls(of: node.layer).count > 1
        for t in node.inputs {
            guard let from = ids[ObjectIdentifier(t.producer)] else { continue }
            var parts: [String] = []
            if model.calls(of: t.producer).count > 1 { parts.append("from call \(t.node.index + 1)") }
            if shared { parts.append("call \(node.index + 1)") }
            if edgeShapes { parts.append(formatSymbolicShape(t.shape)) }
            lines.append("  \(from) -> \(to)" + (parts.isEmpty ? "" : " [label=\(quote(parts.joined(separator: " ")))]") + ";")
        }
    }
    lines.append("}")
    return lines.joined(separator: "\n")
}

/// One line of the drawing: the calls of one layer drawn together, or a model input cut from
/// another model.
private struct PlotRow {
    var layer: Layer
    /// The calls on this line (several for a shared layer called side by side).
    var nodes: [Node]
    /// For an input produced outside the model: the tensor.
    var input: SymbolicTensor?
    /// `[call 1 of 2]` for a layer whose calls are drawn on separate lines.
    var callNote: String?

    /// The tensors each call reads (each once) and produces.
    func inputs(_ call: Int) -> [TensorGraph.Key] {
        guard input == nil else { return [] }
        var seen = Set<TensorGraph.Key>()
        return nodes[call].inputs.map(TensorGraph.Key.init).filter { seen.insert($0).inserted }
    }
    func outputs(_ call: Int) -> [TensorGraph.Key] {
        if let input { return [TensorGraph.Key(input)] }
        return nodes[call].outputs.compactMap { $0.map(TensorGraph.Key.init) }
    }
    var callCount: Int { input == nil ? nodes.count : 1 }

    var label: String {
        if let input { return "\(input.sourceDescription) (\(layer.typeName), input)" }
        return "\(layer.name) (\(layer.typeName))" + (nodes.count > 1 ? " x\(nodes.count)" : "") + (callNote.map { " " + $0 } ?? "")
    }

    var shapes: String {
        if let input { return formatSymbolicShape(input.shape) }
        var seen = Set<String>()
        return nodes.map { n in
            n.outputShapes.count == 1 ? formatSymbolicShape(n.outputShapes[0]) : "[" + formatSymbolicShapes(n.outputShapes) + "]"
        }.filter { seen.insert($0).inserted }.joined(separator: " | ")
    }
}

/// An edge waiting in a lane: a tensor on its way to the row that reads it.
private struct LaneEdge: Hashable {
    let tensor: TensorGraph.Key
    let row: Int
}

private struct PlotLayout {
    let rows: [PlotRow]

    init(_ model: Model) {
        rows = PlotLayout.orderedRows(model)
    }

    /// The rows, grouped and ordered: a shared layer's calls share a row when none depends on
    /// another and they read different tensors; rows follow the execution order, preferring the
    /// row that reads what was drawn last (so a branch is drawn to its end before the next).
    private static func orderedRows(_ model: Model) -> [PlotRow] {
        let inGraph = Set(model.graphNodes.map(ObjectIdentifier.init))
        // The inputs first, in the model's order, so that they take lanes from left to right.
        var rows: [PlotRow] = model.inputs.map {
            inGraph.contains(ObjectIdentifier($0.node)) ? PlotRow(layer: $0.producer, nodes: [$0.node], input: nil, callNote: nil)
                : PlotRow(layer: $0.producer, nodes: [], input: $0, callNote: nil)
        }
        var done = Set(model.inputs.map { ObjectIdentifier($0.producer) })
        for node in model.graphNodes where done.insert(ObjectIdentifier(node.layer)).inserted {
            let calls = model.calls(of: node.layer)
            if calls.count > 1 && sideBySide(calls) {
                rows.append(PlotRow(layer: node.layer, nodes: calls, input: nil, callNote: nil))
            } else {
                for (i, c) in calls.enumerated() {
                    rows.append(PlotRow(layer: node.layer, nodes: [c], input: nil, callNote: calls.count > 1 ? "[call \(i + 1) of \(calls.count)]" : nil))
                }
            }
        }
        // Order: Kahn's algorithm, choosing among ready rows the one whose inputs were drawn last.
        var producer: [TensorGraph.Key: Int] = [:]
        for (r, row) in rows.enumerated() { for c in 0..<row.callCount { for k in row.outputs(c) { producer[k] = r } } }
        var parents = [[Int]](repeating: [], count: rows.count)
        var children = [[Int]](repeating: [], count: rows.count)
        for (r, row) in rows.enumerated() {
            let ps = Set((0..<row.callCount).flatMap { row.inputs($0) }.compactMap { producer[$0] }).filter { $0 != r }
            parents[r] = ps.sorted()
            for p in ps { children[p].append(r) }
        }
        var waiting = parents.map(\.count)
        var drawnAt = [Int](repeating: -1, count: rows.count)
        var ready = (0..<rows.count).filter { waiting[$0] == 0 }
        var order: [Int] = []
        while !ready.isEmpty {
            let latest = { (r: Int) in parents[r].map { drawnAt[$0] }.max() ?? -1 }
            // invariant: ready is not empty
            let pick = ready.indices.min { a, b in
                let la = latest(ready[a]), lb = latest(ready[b])
                return la != lb ? la > lb : ready[a] < ready[b]
            } ?? 0
            assert(pick < ready.count)
            let r = ready.remove(at: pick)
            drawnAt[r] = order.count
            order.append(r)
            for c in children[r] {
                waiting[c] -= 1
                if waiting[c] == 0 { ready.append(c) }
            }
        }
        return order.map { rows[$0] }
    }

    /// Whether calls can be drawn on one line: no call depends on another, and no two read the
    /// same tensor (each call keeps its own lane).
    private static func sideBySide(_ calls: [Node]) -> Bool {
        let ids = Set(calls.map(ObjectIdentifier.init))
        var reads = Set<TensorGraph.Key>()
        for c in calls {
            for t in Set(c.inputs.map(TensorGraph.Key.init)) where !reads.insert(t).inserted { return false }
            var stack = c.inputs.map(\.node)
            var seen = Set<ObjectIdentifier>()
            while let n = stack.popLast() {
                guard seen.insert(ObjectIdentifier(n)).inserted else { continue }
                if ids.contains(ObjectIdentifier(n)) { return false }
                stack += n.inputs.map(\.node)
            }
        }
        return true
    }

    func render(costs: ModelCosts? = nil) -> String {
        // Which later rows read each tensor, in drawing order.
        var readers: [TensorGraph.Key: [Int]] = [:]
        for (r, row) in rows.enumerated() {
            for c in 0..<row.callCount { for k in row.inputs(c) where readers[k]?.last != r { readers[k, default: []].append(r) } }
        }
        var lanes: [LaneEdge?] = []
        var out: [(graph: String, row: PlotRow?)] = []

        func freeLane(after start: Int, excluding taken: Set<Int>) -> Int {
            var i = start
            while i < lanes.count && (lanes[i] != nil || taken.contains(i)) { i += 1 }
            if i == lanes.count { lanes.append(nil) }
            return i
        }
        func draw(marks: [Int: Character], span: ClosedRange<Int>?, active: (Int) -> Bool) -> String {
            var s = ""
            for i in 0..<lanes.count {
                let inside = span?.contains(i) ?? false
                s.append(marks[i] ?? (inside ? (active(i) ? "┼" : "─") : (active(i) ? "│" : " ")))
                s.append(inside && (span?.contains(i + 1) ?? false) ? "─" : " ")
            }
            while s.last == " " { s.removeLast() }
            return s
        }

        for (r, row) in rows.enumerated() {
            // Gather each call's inputs into its home lane.
            var homes: [Int] = []
            for c in 0..<row.callCount {
                let mine = row.inputs(c).compactMap { k in lanes.firstIndex { $0 == LaneEdge(tensor: k, row: r) } }.sorted()
                guard let home = mine.first else {
                    homes.append(freeLane(after: 0, excluding: Set(homes)))
                    continue
                }
                homes.append(home)
                if mine.count > 1 {
                    let rest = Array(mine.dropFirst())
                    var marks: [Int: Character] = [home: "├"]
                    for l in rest { marks[l] = l == rest.last ? "┘" : "┴" }
                    out.append((draw(marks: marks, span: home...(rest.last ?? home), active: { lanes[$0] != nil }), nil))
                    for l in rest { lanes[l] = nil }
                }
            }
            // The layer's line.
            var marks: [Int: Character] = [:]
            for h in homes { marks[h] = "●" }
            let span = homes.count > 1 ? (homes.min() ?? 0)...(homes.max() ?? 0) : nil
            let homeSet = Set(homes)
            out.append((draw(marks: marks, span: span, active: { lanes[$0] != nil || homeSet.contains($0) }), row))
            for h in homes where h < lanes.count { lanes[h] = nil }
            // Send each output to its readers: the first in the home lane, the others in new lanes.
            var extra: [(home: Int, edges: [LaneEdge])] = []
            for (c, home) in homes.enumerated() {
                var edges: [LaneEdge] = []
                for k in row.outputs(c) { edges += (readers[k] ?? []).filter { $0 > r }.map { LaneEdge(tensor: k, row: $0) } }
                guard let first = edges.first else { continue }
                lanes[home] = first
                if edges.count > 1 { extra.append((home, Array(edges.dropFirst()))) }
            }
            for (home, edges) in extra {
                let before = lanes.map { $0 != nil }
                var marks: [Int: Character] = [home: lanes[home] == nil ? "└" : "├"]
                var placed: [Int] = []
                for _ in edges {
                    let l = freeLane(after: home + 1, excluding: Set(placed))
                    placed.append(l)
                    marks[l] = "┬"
                }
                if let last = placed.max() { marks[last] = "┐" }
                out.append((draw(marks: marks, span: home...(placed.max() ?? home),
                                 active: { $0 < before.count && before[$0] }), nil))
                for (l, e) in zip(placed, edges) { lanes[l] = e }
            }
        }
        // Labels in one column after the widest drawing, shapes in the next.
        let labels = out.map { line in line.row.map { line.graph + " " + $0.label } }
        let width = labels.compactMap { $0?.count }.max() ?? 0
        let shapeWidth = out.compactMap { $0.row?.shapes.count }.max() ?? 0
        return zip(out, labels).map { line, label in
            guard let label, let row = line.row else { return line.graph }
            let text = label + String(repeating: " ", count: width - label.count + 2) + row.shapes
            guard let costs, row.input == nil, !(row.layer is InputLayer) else { return text }
            let macs = row.nodes.map { n in costs.calls.first { $0.node === n }?.macs ?? 0 }
            return text + String(repeating: " ", count: shapeWidth - row.shapes.count + 2) + macsNote(macs)
        }.joined(separator: "\n")
    }
}

/// `7,300,992 MACs`, or `14,601,984 MACs (2 calls)` for a layer called more than once.
func macsNote(_ perCall: [Int]) -> String {
    let total = perCall.reduce(0, +)
    return "\(formatCount(total)) MACs" + (perCall.count > 1 ? " (\(perCall.count) calls)" : "")
}

import PlexusTensor
// How far each unit sees: receptive field size, jump and start per layer, by the arithmetic of
// Araujo, Norris and Sim, "Computing Receptive Fields of Convolutional Neural Networks" (Distill,
// 2019), applied along height and width separately.

/// The receptive field of a layer's output units along one spatial axis, in input pixels.
public struct ReceptiveFieldAxis: Equatable, Sendable, CustomStringConvertible {
    /// How many input pixels one output unit sees (`r`).
    public var size: Int
    /// The distance in input pixels between neighbouring output units (`j`, the product of the
    /// strides so far; a fraction after upsampling).
    public var jump: Double
    /// The centre of the first output unit's field, in input pixel coordinates where pixel `i`'s
    /// centre is `i` (negative when padding puts it before the image).
    public var start: Double

    public init(size: Int, jump: Double, start: Double) {
        self.size = size
        self.jump = jump
        self.start = start
    }

    /// The input itself: each pixel sees itself.
    public static let input = ReceptiveFieldAxis(size: 1, jump: 1, start: 0)

    /// After a window of `kernel` taps `dilation` apart, moved by `stride`, with `padBefore`
    /// pixels of padding before the input: `r + (k_eff - 1) j`, `j s`,
    /// `start + ((k_eff - 1) / 2 - p) j` with `k_eff = d (k - 1) + 1`.
    func window(kernel: Int, stride: Int, dilation: Int, padBefore: Int) -> ReceptiveFieldAxis {
        let span = dilation * (kernel - 1) + 1
        return ReceptiveFieldAxis(size: size + Int((Double(span - 1) * jump).rounded(.up)), jump: jump * Double(stride),
                                  start: start + (Double(span - 1) / 2 - Double(padBefore)) * jump)
    }

    public var description: String { "size \(size), jump \(formatNumber(jump)), start \(formatNumber(start))" }
}

/// What one call's output units see.
public enum ReceptiveFieldState: Equatable {
    /// Spatial units (an NHWC output) with a field along height and width.
    case spatial(height: ReceptiveFieldAxis, width: ReceptiveFieldAxis)
    /// Units that see the whole input (after Flatten, global pooling, or any non-spatial output
    /// computed from an image).
    case global
}

/// One call's receptive field.
public struct ReceptiveFieldRow {
    /// The call.
    public let node: Node
    /// Its field, `nil` for a call that does not depend on an image input (weights and
    /// expressions of weights).
    public let state: ReceptiveFieldState?

    public var layer: Layer { node.layer }
}

/// The receptive field of every call of `model` (inputs included) in execution order, a nested
/// model's call as one row (its output). Only image inputs (NHWC) have fields; calls that depend
/// on none have `nil`. Over a DAG, a merge takes the largest field of its
/// inputs along each axis (the maximum over paths), with that input's jump and start.
///
/// Convolutions (all kinds; `conv(x, kernel)` by its kernel's size), pooling and zero padding
/// follow the paper's arithmetic exactly; upsampling and transposed convolutions divide the jump
/// by their factor and keep the start; layers acting on each pixel (activations, normalisation,
/// a Dense on an image, merges) leave the field as it is.
public func receptiveField(_ model: Model) throws -> [ReceptiveFieldRow] {
    var rows: [ReceptiveFieldRow] = []
    _ = try walkReceptiveField(model, inputStates: model.inputs.map { isImage($0.shape) ? .spatial(height: .input, width: .input) : nil },
                               rows: &rows)
    return rows
}

/// The field of a model's named layer's (last) call.
public func receptiveField(_ model: Model, at layerName: String) throws -> ReceptiveFieldState? {
    let layer = try model.layer(named: layerName)
    return try receptiveField(model).last { $0.layer === layer }?.state
}

private func isImage(_ shape: [Int?]) -> Bool { shape.count == 4 }

/// Walks `model` with the fields of its inputs; appends a row per call; returns the outputs' fields.
private func walkReceptiveField(_ model: Model, inputStates: [ReceptiveFieldState?],
                                rows: inout [ReceptiveFieldRow]) throws -> [ReceptiveFieldState?] {
    var stateOf: [ObjectIdentifier: [ReceptiveFieldState?]] = [:]
    for (t, s) in zip(model.inputs, inputStates) { stateOf[ObjectIdentifier(t.node)] = [s] }
    for node in model.graphNodes {
        if node.layer is InputLayer {
            let s = stateOf[ObjectIdentifier(node)] ?? [nil]
            rows.append(ReceptiveFieldRow(node: node, state: s[0]))
            continue
        }
        let ins = node.inputs.map { stateOf[ObjectIdentifier($0.node)]?[$0.outputIndex] ?? nil }
        let outs: [ReceptiveFieldState?]
        if let nested = node.layer as? Model {
            var inner: [ReceptiveFieldRow] = []
            outs = try walkReceptiveField(nested, inputStates: ins, rows: &inner)
        } else {
            outs = node.outputShapes.map { shape in
                fieldAfter(node.layer, inputs: ins, inputShapes: node.inputShapes, outputShape: shape)
            }
        }
        stateOf[ObjectIdentifier(node)] = outs
        rows.append(ReceptiveFieldRow(node: node, state: outs.first ?? nil))
    }
    return model.outputs.map { stateOf[ObjectIdentifier($0.node)]?[$0.outputIndex] ?? nil }
}

/// The largest field among `states` along each axis (the maximum over paths).
private func widest(_ states: [ReceptiveFieldState?]) -> ReceptiveFieldState? {
    var h: ReceptiveFieldAxis?, w: ReceptiveFieldAxis?
    for s in states {
        switch s {
        case .global?: return .global
        case let .spatial(a, b)?:
            if h == nil || a.size > h?.size ?? 0 { h = a }
            if w == nil || b.size > w?.size ?? 0 { w = b }
        case nil: continue
        }
    }
    guard let h, let w else { return nil }
    return .spatial(height: h, width: w)
}

private func fieldAfter(_ layer: Layer, inputs: [ReceptiveFieldState?], inputShapes: [[Int?]],
                        outputShape: [Int?]) -> ReceptiveFieldState? {
    // Only the image operands carry a field; a kernel computed by another branch does not.
    let relevant = Array(inputs.prefix(layer.pixelInputCount))
    guard let incoming = widest(relevant) else { return nil }
    guard case let .spatial(h, w) = incoming, isImage(outputShape) else { return .global }
    func window(_ kernel: Size2D, _ strides: Size2D, _ dilation: Size2D, _ padding: Padding) -> ReceptiveFieldState {
        func pad(_ axis: Int) -> Int {
            let n = inputShapes[0].count == 4 ? inputShapes[0][axis + 1] : nil
            let (k, s, d) = axis == 0 ? (kernel.height, strides.height, dilation.height) : (kernel.width, strides.width, dilation.width)
            return n.flatMap { padding.resolve(input: $0, kernel: k, stride: s, dilation: d, axis: axis)?.before } ?? 0
        }
        return .spatial(height: h.window(kernel: kernel.height, stride: strides.height, dilation: dilation.height, padBefore: pad(0)),
                        width: w.window(kernel: kernel.width, stride: strides.width, dilation: dilation.width, padBefore: pad(1)))
    }
    func upsample(_ factor: Size2D, grow kernel: Size2D) -> ReceptiveFieldState {
        var a = h, b = w
        a.jump /= Double(factor.height)
        b.jump /= Double(factor.width)
        a.size += Int((Double(kernel.height - 1) * a.jump).rounded(.up))
        b.size += Int((Double(kernel.width - 1) * b.jump).rounded(.up))
        return .spatial(height: a, width: b)
    }
    switch layer.pixelGeometry(for: inputShapes) {
    case let .window(kernel, strides, dilation, padding)?: return window(kernel, strides, dilation, padding)
    case let .shift(top, left)?:
        var a = h, b = w
        a.start -= Double(top) * a.jump
        b.start -= Double(left) * b.jump
        return .spatial(height: a, width: b)
    case let .upsample(factor, grow)?: return upsample(factor, grow: grow)
    case nil: return incoming
    }
}

/// `212`, or `212 x 200` when height and width differ; `global` for units that see everything.
func formatField(_ state: ReceptiveFieldState?, _ part: (ReceptiveFieldAxis) -> String) -> String {
    switch state {
    case nil: return "-"
    case .global?: return "global"
    case let .spatial(h, w)?:
        let a = part(h), b = part(w)
        return a == b ? a : "\(a) x \(b)"
    }
}

/// A number without a trailing `.0`: `16`, `0.5`, `-1.5`.
func formatNumber(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
}

/// The receptive field table: layer, output shape, size, jump, start (one row per call; a
/// shared layer's later calls are rows of their own).
public func receptiveFieldTable(_ model: Model) throws -> String {
    let table = BoxTable(headers: ["Layer (type)", "Output Shape", "Size", "Jump", "Start"],
                         positions: [0.38, 0.66, 0.78, 0.88, 1.0], rightAligned: [false, false, true, true, true],
                         lineLength: 88)
    let rows = try receptiveField(model).map { row -> [String] in
        let shape = row.node.outputShapes.map(formatSymbolicShape).joined(separator: ", ")
        return ["\(row.layer.name) (\(row.layer.typeName))", shape,
                formatField(row.state) { String($0.size) }, formatField(row.state) { formatNumber($0.jump) },
                formatField(row.state) { formatNumber($0.start) }]
    }
    return (["Receptive field of \"\(model.name)\" (in input pixels)"] + table.render(rows)).joined(separator: "\n")
}

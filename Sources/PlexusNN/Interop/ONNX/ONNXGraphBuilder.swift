import PlexusTensor
import Foundation

/// How a rank-4 image tensor is laid out in the exported graph: as Plexus holds it (NHWC, also the
/// layout of every other rank) or channels first (NCHW), the layout ONNX's Conv, pooling,
/// BatchNormalization, Pad and Resize work in.
enum ONNXLayout: Equatable {
    case plexus, channelsFirst
}

/// A value of the exported graph: the ONNX tensor's name, the Plexus shape it stands for (batch
/// first, NHWC for images) and its layout. A weight, or with folding a weight expression, is a
/// constant that becomes an initializer when first used, in the form its user needs.
struct ONNXValue {
    var name: String
    var shape: [Int?]
    var layout: ONNXLayout
    var constant: ONNXConstant?

    var rank: Int { shape.count }
}

/// A value known before any input arrives: a model weight, or an expression of weights folded to
/// its value (`fold_weights: true`).
struct ONNXConstant {
    /// Initializers of the same key and form are one (a shared weight is stored once).
    let key: String
    /// The name the initializer takes: the weight's path, or the folded expression's tensor name.
    let name: String
    let value: () throws -> Tensor
}

/// The layout change a user of a constant needs, applied to the value when it is stored: axes
/// permuted, then reshaped (a Conv2D kernel `(kh, kw, cin, cout)` becomes ONNX's
/// `(cout, cin, kh, kw)`).
struct ONNXWeightForm: Hashable {
    var permutation: [Int]?
    var shape: [Int]?

    static let plain = ONNXWeightForm()
    /// Keras's `(kh, kw, in, out)` kernel as ONNX's `(out, in, kh, kw)`; also Conv2DTranspose's
    /// `(kh, kw, out, in)` as ONNX's `(in, out, kh, kw)`.
    static let convolutionKernel = ONNXWeightForm(permutation: [3, 2, 0, 1])
}

/// The NHWC axis order as NCHW positions: NHWC axis `a` is NCHW axis `nchwPosition[a]`.
let nchwPosition = [0, 2, 3, 1]

/// Collects the nodes, initializers and names of an ONNX graph as the exporter walks a model.
///
/// Names are unique across the graph (ONNX requires it of tensors; nodes get the name of their
/// first output). Structural constants (shapes, pads, clip bounds, the one-hot patch kernel) are
/// `Constant` nodes, so the initializers are exactly the model's weights. Layout changes are
/// cached per tensor: an input transposed to NCHW once serves every convolution that reads it.
final class ONNXGraphBuilder {
    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    private var usedNames = Set<String>()
    private var stored: [String: (form: ONNXWeightForm, name: String)] = [:]
    private var storedForms: [String: String] = [:]
    private var relaid: [String: String] = [:]

    /// `base`, or `base_1`, `base_2`, ... when taken.
    func uniqueName(_ base: String) -> String {
        var name = base
        var k = 1
        while usedNames.contains(name) {
            name = "\(base)_\(k)"
            k += 1
        }
        usedNames.insert(name)
        return name
    }

    /// Reserves a name the graph must have as given (an input's).
    func reserve(_ name: String) { usedNames.insert(name) }

    // MARK: - Nodes

    /// Adds a node of `op` whose output is named `output` (made unique) and returns that name.
    @discardableResult
    func add(_ op: String, _ inputs: [String], output: String, _ attributes: [Onnx_AttributeProto] = []) -> String {
        let out = uniqueName(output)
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = out
        node.input = inputs
        node.output = [out]
        node.attribute = attributes
        nodes.append(node)
        return out
    }

    /// A `Constant` node holding int64 values (shapes, pads, axes), as a 1-D tensor.
    func int64Constant(_ values: [Int], name: String) -> String {
        var t = Onnx_TensorProto()
        t.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        t.dims = [Int64(values.count)]
        t.int64Data = values.map(Int64.init)
        return add("Constant", [], output: name, [.tensor("value", t)])
    }

    /// A `Constant` node holding float values of `shape` (`[]` for a scalar).
    func floatConstant(_ values: [Float], shape: [Int], name: String) -> String {
        add("Constant", [], output: name, [.tensor("value", onnxTensor(values, shape: shape))])
    }

    // MARK: - Initializers

    /// The name of `constant` stored in `form`. The first use stores it as an initializer; a
    /// later use in another form derives it from the stored one with nodes, so each weight is
    /// stored once.
    func initializer(_ constant: ONNXConstant, form: ONNXWeightForm = .plain) throws -> String {
        if let s = stored[constant.key] {
            if s.form == form { return s.name }
            if let derived = storedForms[constant.key + "\u{0}" + formKey(form)] { return derived }
            let plain = try undo(s.form, of: s.name, constant: constant)
            let derived = try apply(form, to: plain, constant: constant)
            storedForms[constant.key + "\u{0}" + formKey(form)] = derived
            return derived
        }
        var value = try constant.value()
        if let p = form.permutation { value = try value.permuted(p) }
        if let s = form.shape { value = try value.reshaped(to: s) }
        let name = uniqueName(constant.name)
        var t = onnxTensor(value)
        t.name = name
        initializers.append(t)
        stored[constant.key] = (form, name)
        return name
    }

    private func formKey(_ f: ONNXWeightForm) -> String { "\(f.permutation ?? [])|\(f.shape ?? [])" }

    private func undo(_ form: ONNXWeightForm, of name: String, constant: ONNXConstant) throws -> String {
        let original = try constant.value().shape
        var x = name
        if let p = form.permutation {
            if form.shape != nil {
                x = add("Reshape", [x, int64Constant(p.map { original[$0] }, name: name + "/shape")], output: name + "/unshaped")
            }
            x = add("Transpose", [x], output: name + "/plain", [.ints("perm", inversePermutation(p))])
        } else if form.shape != nil {
            x = add("Reshape", [x, int64Constant(original, name: name + "/shape")], output: name + "/plain")
        }
        return x
    }

    private func apply(_ form: ONNXWeightForm, to name: String, constant: ONNXConstant) throws -> String {
        var x = name
        if let p = form.permutation { x = add("Transpose", [x], output: constant.name + "/permuted", [.ints("perm", p)]) }
        if let s = form.shape { x = add("Reshape", [x, int64Constant(s, name: constant.name + "/shape")], output: constant.name + "/reshaped") }
        return x
    }

    // MARK: - Values

    /// The name of `value` in `layout`, transposing a rank-4 tensor once (cached) when it is in
    /// the other one, and storing a constant on first use.
    func name(of value: ONNXValue, in layout: ONNXLayout = .plexus) throws -> String {
        if let c = value.constant { return try initializer(c) }
        guard value.rank == 4, value.layout != layout else { return value.name }
        let key = value.name + (layout == .channelsFirst ? "\u{0}nchw" : "\u{0}nhwc")
        if let n = relaid[key] { return n }
        let n = layout == .channelsFirst
            ? add("Transpose", [value.name], output: value.name + "/nchw", [.ints("perm", [0, 3, 1, 2])])
            : add("Transpose", [value.name], output: value.name + "/nhwc", [.ints("perm", [0, 2, 3, 1])])
        relaid[key] = n
        return n
    }

    /// Renames a tensor everywhere it is read or written.
    func rename(_ old: String, to new: String) {
        for i in nodes.indices {
            nodes[i].input = nodes[i].input.map { $0 == old ? new : $0 }
            if nodes[i].output.contains(old) {
                nodes[i].output = nodes[i].output.map { $0 == old ? new : $0 }
                if nodes[i].name == old { nodes[i].name = new }
            }
        }
        usedNames.insert(new)
    }

    /// Whether a node produces `name` (rather than a graph input or an initializer).
    func isProduced(_ name: String) -> Bool { nodes.contains { $0.output.contains(name) } }

    /// Whether `name` is taken by any tensor.
    func isUsed(_ name: String) -> Bool { usedNames.contains(name) }
}

// MARK: - Protobuf helpers

/// A float tensor in ONNX's TensorProto (little-endian raw data).
func onnxTensor(_ tensor: Tensor) -> Onnx_TensorProto {
    tensor.withUnsafeBufferPointer { onnxTensor($0, shape: tensor.shape) }
}

func onnxTensor(_ values: [Float], shape: [Int]) -> Onnx_TensorProto {
    values.withUnsafeBufferPointer { onnxTensor($0, shape: shape) }
}

private func onnxTensor(_ values: UnsafeBufferPointer<Float>, shape: [Int]) -> Onnx_TensorProto {
    var t = Onnx_TensorProto()
    t.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
    t.dims = shape.map(Int64.init)
    if hostIsBigEndian {
        let swapped = values.map { $0.bitPattern.byteSwapped }
        t.rawData = swapped.withUnsafeBytes { Data($0) }
    } else {
        t.rawData = Data(buffer: values)
    }
    return t
}

extension Onnx_AttributeProto {
    static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = Int64(value)
        return a
    }

    static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .ints
        a.ints = values.map(Int64.init)
        return a
    }

    static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .float
        a.f = value
        return a
    }

    static func string(_ name: String, _ value: String) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .string
        a.s = Data(value.utf8)
        return a
    }

    static func tensor(_ name: String, _ value: Onnx_TensorProto) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .tensor
        a.t = value
        return a
    }
}

/// A float tensor's type and shape for a graph input or output: the batch dimension is the
/// symbolic `batch`; other unknown sizes of an input are named after it (`image_height`,
/// `image_width` for an image), those of an output are left unnamed (ONNX Runtime infers them).
func onnxValueInfo(_ name: String, shape: [Int?], isInput: Bool) -> Onnx_ValueInfoProto {
    var tensorType = Onnx_TypeProto.Tensor()
    tensorType.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
    var s = Onnx_TensorShapeProto()
    s.dim = shape.enumerated().map { i, d in
        var dim = Onnx_TensorShapeProto.Dimension()
        if let d {
            dim.dimValue = Int64(d)
        } else if i == 0 {
            dim.dimParam = "batch"
        } else if isInput {
            dim.dimParam = shape.count == 4 && i < 3 ? "\(name)_\(i == 1 ? "height" : "width")" : "\(name)_dim\(i)"
        }
        return dim
    }
    tensorType.shape = s
    var type = Onnx_TypeProto()
    type.tensorType = tensorType
    var info = Onnx_ValueInfoProto()
    info.name = name
    info.type = type
    return info
}

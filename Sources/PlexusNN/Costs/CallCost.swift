import PlexusTensor
// What one call of a layer computes: multiply-accumulates and floating-point operations per
// sample, with the conventions of docs/costs.md.
//
// MACs (multiply-accumulates) are counted for the ops that multiply weights by inputs and sum:
// convolutions (every variant), Dense and matmul; bias additions are not MACs. This is fvcore's
// convention for Conv2d, Linear and matmul (one fused multiply-add counted once, bias left out),
// which puts VGG16 at 224x224x3 at 15,470,264,320. FLOPs are 2 x MACs plus the elementwise work
// listed in `elementwiseFlops`.

/// The cost of one call of a layer, per sample (a tensor without a batch dimension, such as an
/// expression of weights, is computed once per batch and counted whole).
public struct CallCost {
    /// The call.
    public let node: Node
    /// The call's input shapes (batch first, `nil` for the batch).
    public let inputShapes: [[Int?]]
    /// The call's output shapes.
    public let outputShapes: [[Int?]]
    /// Multiply-accumulates of the call.
    public let macs: Int
    /// Floating-point operations: `2 * macs` plus the elementwise work counted.
    public let flops: Int

    /// The layer called.
    public var layer: Layer { node.layer }
}

/// The number of elements of `shape` per sample: the leading `nil` (the batch) counts as 1.
///
/// - Throws: `NetworkError` naming `layer` when another size is unknown (costs need every size).
func elementsPerSample(_ shape: [Int?], layer: String) throws -> Int {
    var n = 1
    for (i, d) in shape.enumerated() {
        if let d { n *= d } else if i != 0 {
            throw NetworkError(layer, "has an output of unknown size \(formatSymbolicShape(shape)); costs need every size but the batch known",
                               hint: "give the input its height and width, e.g. input(224, 224, 3)")
        }
    }
    return n
}

/// Whether a shape carries a batch dimension (its first size is unknown).
func isBatched(_ shape: [Int?]) -> Bool { shape.first.map { $0 == nil } ?? false }

/// The MACs of one call of `layer` on `inputs` giving `outputs` (per sample). A nested model's
/// call is costed by the caller (it recurses into the nested graph).
func macsOfCall(_ layer: Layer, inputs: [[Int?]], outputs: [[Int?]]) throws -> Int {
    let out = try outputs.first.map { try elementsPerSample($0, layer: layer.name) } ?? 0
    func dim(_ s: [Int?], _ i: Int) -> Int { (i < 0 ? s[s.count + i] : s[i]) ?? 1 }
    switch layer {
    case let c as Conv2D:
        let cin = dim(inputs[0], -1) / Swift.max(c.groups, 1)
        return out * c.kernelSize.height * c.kernelSize.width * cin
    case let c as DepthwiseConv2D:
        return out * c.kernelSize.height * c.kernelSize.width
    case let c as SeparableConv2D:
        let cin = dim(inputs[0], -1)
        let positions = out / Swift.max(c.filters, 1)
        let depthwise = positions * cin * c.depthMultiplier * c.kernelSize.height * c.kernelSize.width
        return depthwise + positions * cin * c.depthMultiplier * c.filters
    case let c as Conv2DTranspose:
        let inElements = try elementsPerSample(inputs[0], layer: layer.name)
        return inElements * c.kernelSize.height * c.kernelSize.width * c.filters
    case is Conv:
        let k = inputs[1].suffix(4).map { $0 ?? 1 }
        return out * k[0] * k[1] * k[2]
    case is Dense:
        return out * dim(inputs[0], -1)
    case is MatMul:
        let a = inputs[0]
        let k = a.count == 1 ? dim(a, 0) : dim(a, -1)
        return out * k
    default:
        return 0
    }
}

/// The elementwise FLOPs of one call, per sample: what `2 x MACs` leaves out.
///
/// - bias: 1 per output element (convolutions, Dense, Conv with a bias);
/// - activation: 1 per output element for any non-linear activation, fused or a layer of its own
///   (softmax included);
/// - BatchNormalization: 2 per element (its scale and shift, folded); LayerNormalization: 5;
///   Rescaling: 2;
/// - merges (Add, Subtract, Multiply, Maximum, Minimum): 1 per output element for each input after
///   the first; Average: that plus 1; elementwise ops of tensor algebra: 1 per output element;
/// - pooling: one per window element per output (comparisons or additions); global pooling and
///   sum / mean reductions: one per input element;
/// - nothing for reshaping, concatenation, padding, upsampling, dropout, inputs and weights.
func elementwiseFlops(_ layer: Layer, inputs: [[Int?]], outputs: [[Int?]]) throws -> Int {
    let out = try outputs.first.map { try elementsPerSample($0, layer: layer.name) } ?? 0
    func input(_ i: Int) throws -> Int { try elementsPerSample(inputs[i], layer: layer.name) }
    func activation(_ f: ActivationFunction) -> Int { f == .linear ? 0 : out }
    switch layer {
    case let c as Conv2D: return (c.useBias ? out : 0) + activation(c.activation)
    case let c as DepthwiseConv2D: return (c.useBias ? out : 0) + activation(c.activation)
    case let c as SeparableConv2D: return (c.useBias ? out : 0) + activation(c.activation)
    case let c as Conv2DTranspose: return (c.useBias ? out : 0) + activation(c.activation)
    case let c as Conv: return (c.useBias ? out : 0) + activation(c.activation)
    case let d as Dense: return (d.useBias ? out : 0) + activation(d.activation)
    case let a as Activation: return activation(a.activation)
    case is ReLU: return out
    case is BatchNormalization: return 2 * out
    case is LayerNormalization: return 5 * out
    case is Rescaling: return 2 * out
    case is Average: return out * inputs.count
    case is Merge: return out * Swift.max(inputs.count - 1, 0)
    case is ElementwiseOp: return out
    case let p as Pooling2D: return out * p.poolSize.height * p.poolSize.width
    case is GlobalPooling2D, is Reduction: return try input(0)
    default: return 0
    }
}

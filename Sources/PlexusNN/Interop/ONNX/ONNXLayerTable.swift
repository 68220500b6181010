import PlexusTensor
// The correspondence between Plexus layers and ONNX nodes, in one place: one case per layer,
// saying which layout it reads (NCHW for the image ops, Plexus's own for everything else), which
// nodes it becomes and how its weights are laid out. A layer missing here has no ONNX form and is
// refused by name.

extension ONNXExporter {
    /// The nodes for one call of `layer` on `ins` (its outputs of Plexus shapes `outShapes`); the
    /// last node's output is named `name`.
    ///
    /// - Throws: `NetworkError` naming the layer when it has no ONNX form (or not with this
    ///   configuration).
    func emit(_ layer: Layer, _ ins: [ONNXValue], outShapes: [[Int?]], name: String) throws -> [ONNXValue] {
        let g = graph
        let out = outShapes.first ?? []
        func nchw(_ i: Int) throws -> String { try g.name(of: ins[i], in: .channelsFirst) }
        func plain(_ i: Int) throws -> String { try g.name(of: ins[i], in: .plexus) }
        func image(_ n: String) -> ONNXValue { ONNXValue(name: n, shape: out, layout: .channelsFirst) }
        func flat(_ n: String) -> ONNXValue { ONNXValue(name: n, shape: out, layout: .plexus) }

        switch layer {
        case let l as Conv2D:
            let inputs = try [nchw(0), weight(l, "kernel", form: .convolutionKernel)] + optionalWeight(l, "bias")
            let y = g.add("Conv", inputs, output: preActivation(name, l.activation),
                          try window(l, ins[0].shape, kernel: l.kernelSize, strides: l.strides, dilation: l.dilationRate,
                                     padding: l.padding) + [.int("group", l.groups)])
            return [try activation(l.activation, image(y), name: name)]

        case let l as DepthwiseConv2D:
            let y = try depthwise(l, ins, kernelSize: l.kernelSize, strides: l.strides, dilation: l.dilationRate,
                                  padding: l.padding, bias: optionalWeight(l, "bias"),
                                  output: preActivation(name, l.activation))
            return [try activation(l.activation, image(y), name: name)]

        case let l as SeparableConv2D:
            let d = try depthwise(l, ins, kernelSize: l.kernelSize, strides: l.strides, dilation: l.dilationRate,
                                  padding: l.padding, bias: [], output: name + "/depthwise")
            let inputs = try [d, weight(l, "pointwise_kernel", form: .convolutionKernel)] + optionalWeight(l, "bias")
            let y = g.add("Conv", inputs, output: preActivation(name, l.activation), [.ints("kernel_shape", [1, 1])])
            return [try activation(l.activation, image(y), name: name)]

        case let l as Conv2DTranspose:
            guard let h = ins[0].shape[1], let w = ins[0].shape[2] else {
                throw NetworkError(l.name, "cannot be exported to ONNX with an unknown height or width (ConvTranspose needs its padding fixed)",
                                   received: [.init(shape: ins[0].shape)])
            }
            let ph = transposePads(l, n: h, axis: 0), pw = transposePads(l, n: w, axis: 1)
            let inputs = try [nchw(0), weight(l, "kernel", form: .convolutionKernel)] + optionalWeight(l, "bias")
            let y = g.add("ConvTranspose", inputs, output: preActivation(name, l.activation),
                          [.ints("kernel_shape", [l.kernelSize.height, l.kernelSize.width]),
                           .ints("strides", [l.strides.height, l.strides.width]),
                           .ints("dilations", [l.dilationRate.height, l.dilationRate.width]),
                           .ints("pads", [ph.before, pw.before, ph.after, pw.after]),
                           .ints("output_padding", [ph.extra, pw.extra])])
            return [try activation(l.activation, image(y), name: name)]

        case let l as Conv:
            return [try convolve(l, ins, out: out, name: name)]

        case let l as Dense:
            let x = try plain(0), w = try weight(l, "kernel")
            let bias = try optionalWeight(l, "bias")
            let pre = preActivation(name, l.activation)
            let y: String
            if ins[0].rank == 2 {
                y = bias.isEmpty ? g.add("MatMul", [x, w], output: pre) : g.add("Gemm", [x, w] + bias, output: pre)
            } else {
                let product = g.add("MatMul", [x, w], output: bias.isEmpty ? pre : name + "/matmul")
                y = bias.isEmpty ? product : g.add("Add", [product] + bias, output: pre)
            }
            return [try activation(l.activation, flat(y), name: name)]

        case let l as BatchNormalization:
            return [try batchNormalization(l, ins[0], out: out, name: name)]

        case let l as LayerNormalization:
            let rank = ins[0].rank
            let axes = l.axis.compactMap { ShapeRule.normalizedAxis($0, rank: rank) }.sorted()
            guard axes.count == l.axis.count, axes == Array((rank - axes.count)..<rank) else {
                throw NetworkError(l.name, "cannot be exported to ONNX: LayerNormalization normalises trailing axes only, this one normalises axes \(cfg(l.axis)) of a rank-\(rank) input")
            }
            let sizes = try axes.map { a -> Int in
                guard let d = ins[0].shape[a] else { throw NetworkError(l.name, "cannot be exported to ONNX: the normalised axes need known sizes") }
                return d
            }
            let scale = try optionalWeight(l, "gamma").first
                ?? g.floatConstant([Float](repeating: 1, count: sizes.reduce(1, *)), shape: sizes, name: name + "/gamma")
            let y = g.add("LayerNormalization", try [plain(0), scale] + optionalWeight(l, "beta"), output: name,
                          [.int("axis", axes[0]), .float("epsilon", l.epsilon)])
            return [flat(y)]

        case let l as Activation:
            return [try activation(l.activation, ins[0], name: name)]

        case let l as ReLU:
            if let f = l.equivalentFunction { return [try activation(f, ins[0], name: name)] }
            // Keras's general ReLU: min(x, max_value) above the threshold, slope * (x - threshold) at or below.
            let x = try g.name(of: ins[0], in: ins[0].layout)
            let t = g.floatConstant([l.threshold], shape: [], name: name + "/threshold")
            var high = x
            if let m = l.maxValue { high = g.add("Min", [x, g.floatConstant([m], shape: [], name: name + "/max_value")], output: name + "/high") }
            let low = g.add("Mul", [g.add("Sub", [x, t], output: name + "/shifted"),
                                    g.floatConstant([l.negativeSlope], shape: [], name: name + "/slope")], output: name + "/low")
            let above = g.add("Greater", [x, t], output: name + "/above")
            return [ONNXValue(name: g.add("Where", [above, high, low], output: name), shape: out, layout: ins[0].layout)]

        case is Dropout:
            return [ins[0]]  // the identity in inference: no node

        case let l as Rescaling:
            let x = try g.name(of: ins[0], in: ins[0].layout)
            var y = x
            if l.scale != 1 || l.offset == 0 {
                y = g.add("Mul", [x, g.floatConstant([l.scale], shape: [], name: name + "/scale")], output: l.offset == 0 ? name : name + "/scaled")
            }
            if l.offset != 0 { y = g.add("Add", [y, g.floatConstant([l.offset], shape: [], name: name + "/offset")], output: name) }
            return [ONNXValue(name: y, shape: out, layout: ins[0].layout)]

        case let l as MaxPooling2D:
            let y = g.add("MaxPool", [try nchw(0)], output: name,
                          try window(l, ins[0].shape, kernel: l.poolSize, strides: l.strides, dilation: nil, padding: l.padding))
            return [image(y)]

        case let l as AveragePooling2D:
            // TensorFlow's "same" averages the cells inside the image: padding is not counted.
            let y = g.add("AveragePool", [try nchw(0)], output: name,
                          try window(l, ins[0].shape, kernel: l.poolSize, strides: l.strides, dilation: nil, padding: l.padding)
                              + [.int("count_include_pad", 0)])
            return [image(y)]

        case let l as GlobalPooling2D:
            let op = l is GlobalMaxPooling2D ? "GlobalMaxPool" : "GlobalAveragePool"
            if l.keepdims { return [image(g.add(op, [try nchw(0)], output: name))] }
            let pooled = g.add(op, [try nchw(0)], output: name + "/pooled")
            return [flat(g.add("Flatten", [pooled], output: name, [.int("axis", 1)]))]

        case is Flatten:
            // Flattened in Plexus's NHWC order, so the Dense kernels that follow read it as they were trained.
            return [flat(g.add("Flatten", [try plain(0)], output: name, [.int("axis", 1)]))]

        case let l as Reshape:
            let shape = g.int64Constant([0] + l.targetShape, name: name + "/shape")
            return [flat(g.add("Reshape", [try plain(0), shape], output: name))]

        case let l as Permute:
            return [flat(g.add("Transpose", [try plain(0)], output: name, [.ints("perm", [0] + l.dims)]))]

        case let l as ZeroPadding2D:
            let pads = g.int64Constant([0, 0, l.top, l.left, 0, 0, l.bottom, l.right], name: name + "/pads")
            return [image(g.add("Pad", [try nchw(0), pads], output: name))]

        case let l as Cropping2D:
            // Slice on NCHW's height and width; an end of Int64.max keeps the rest of an axis.
            let starts = g.int64Constant([l.top, l.left], name: name + "/starts")
            let ends = g.int64Constant([l.bottom == 0 ? Int(Int64.max) : -l.bottom, l.right == 0 ? Int(Int64.max) : -l.right],
                                       name: name + "/ends")
            let axes = g.int64Constant([2, 3], name: name + "/axes")
            return [image(g.add("Slice", [try nchw(0), starts, ends, axes], output: name))]

        case let l as UpSampling2D:
            guard l.interpolation == .nearest else {
                throw NetworkError(l.name, "cannot be exported to ONNX: interpolation \"bilinear\" is not implemented in Plexus either")
            }
            let scales = g.floatConstant([1, 1, Float(l.size.height), Float(l.size.width)], shape: [4], name: name + "/scales")
            let y = g.add("Resize", [try nchw(0), "", scales], output: name,
                          [.string("mode", "nearest"), .string("coordinate_transformation_mode", "asymmetric"),
                           .string("nearest_mode", "floor")])
            return [image(y)]

        case let l as Merge:
            return [try merge(l, ins, out: out, name: name)]

        case let l as Concatenate:
            let rank = ins[0].rank
            guard let axis = ShapeRule.normalizedAxis(l.axis, rank: rank) else {
                throw NetworkError(l.name, "internal: concatenation axis \(l.axis) outside rank \(rank)")
            }
            let layout: ONNXLayout = rank == 4 && ins.contains { $0.layout == .channelsFirst } ? .channelsFirst : .plexus
            let names = try ins.map { try g.name(of: $0, in: layout) }
            let onnxAxis = layout == .channelsFirst ? nchwPosition[axis] : axis
            let y = ins.count == 1 ? names[0] : g.add("Concat", names, output: name, [.int("axis", onnxAxis)])
            return [ONNXValue(name: y, shape: out, layout: layout)]

        case let l as ElementwiseOp:
            let op = ["add": "Add", "subtract": "Sub", "multiply": "Mul", "divide": "Div"][l.kind.rawValue] ?? "Add"
            return [flat(g.add(op, [try plain(0), try plain(1)], output: name))]

        case is MatMul:
            return [flat(g.add("MatMul", [try plain(0), try plain(1)], output: name))]

        case let l as ReshapeOp:
            return [flat(g.add("Reshape", [try plain(0), g.int64Constant(l.newShape, name: name + "/shape")], output: name))]

        case let l as Transpose:
            let rank = ins[0].rank
            let perm = l.axes.map { $0.compactMap { ShapeRule.normalizedAxis($0, rank: rank) } } ?? Array((0..<rank).reversed())
            return [flat(g.add("Transpose", [try plain(0)], output: name, [.ints("perm", perm)]))]

        case let l as Reduction:
            let keep = [Onnx_AttributeProto.int("keepdims", l.keepdims ? 1 : 0)]
            let axes = l.axes.map { $0.compactMap { ShapeRule.normalizedAxis($0, rank: ins[0].rank) } }
            switch l.kind {
            case .sum:
                let axesInput = axes.map { [g.int64Constant($0, name: name + "/axes")] } ?? []
                return [flat(g.add("ReduceSum", [try plain(0)] + axesInput, output: name, keep))]
            case .mean:
                // Opset 17's ReduceMean still takes its axes as an attribute.
                return [flat(g.add("ReduceMean", [try plain(0)], output: name, keep + (axes.map { [.ints("axes", $0)] } ?? [])))]
            }

        default:
            throw NetworkError(layer.name, "cannot be exported to ONNX: \(layer.typeName) has no ONNX form in Plexus's exporter",
                               hint: "see docs/onnx.md for the layers that export")
        }
    }

    // MARK: - Weights

    /// A weight as a constant of the graph (stored once, however many layers use it).
    func weightConstant(_ w: Weight) -> ONNXConstant {
        ONNXConstant(key: "weight:\(ObjectIdentifier(w))", name: w.path) { [context] in
            try w.materialize(using: &context.generator).value
        }
    }

    /// The initializer of `layer`'s own weight `weightName`, in `form`.
    func weight(_ layer: Layer, _ weightName: String, form: ONNXWeightForm = .plain) throws -> String {
        guard let w = layer.ownWeights.first(where: { $0.name == weightName }) else {
            throw NetworkError(layer.name, "has no weight \(weightName) (it was never called on a tensor)")
        }
        return try graph.initializer(weightConstant(w), form: form)
    }

    /// The weight as a one-element list, or none when the layer has no such weight (no bias).
    func optionalWeight(_ layer: Layer, _ weightName: String) throws -> [String] {
        guard let w = layer.ownWeights.first(where: { $0.name == weightName }) else { return [] }
        return [try graph.initializer(weightConstant(w))]
    }

    // MARK: - Pieces several layers share

    /// The output name of a layer's main op: its own name, or `name/linear` when an activation follows.
    func preActivation(_ name: String, _ f: ActivationFunction) -> String { f == .linear ? name : name + "/linear" }

    /// An activation function as nodes, in the value's layout (softmax along the channels).
    func activation(_ f: ActivationFunction, _ v: ONNXValue, name: String) throws -> ONNXValue {
        let g = graph
        if f == .linear { return v }
        let x = try g.name(of: v, in: v.layout)
        let y: String
        switch f {
        case .linear: y = x
        case .relu: y = g.add("Relu", [x], output: name)
        case .relu6:
            y = g.add("Clip", [x, g.floatConstant([0], shape: [], name: name + "/min"), g.floatConstant([6], shape: [], name: name + "/max")],
                      output: name)
        case .sigmoid: y = g.add("Sigmoid", [x], output: name)
        case .tanh: y = g.add("Tanh", [x], output: name)
        case let .elu(alpha): y = g.add("Elu", [x], output: name, [.float("alpha", alpha)])
        case let .leakyRelu(alpha): y = g.add("LeakyRelu", [x], output: name, [.float("alpha", alpha)])
        case .softplus: y = g.add("Softplus", [x], output: name)
        case .silu: y = g.add("Mul", [x, g.add("Sigmoid", [x], output: name + "/sigmoid")], output: name)
        case .gelu(approximate: true):
            throw NetworkError(name, "cannot be exported to ONNX: gelu's tanh approximation has no operator in opset 17; the exact gelu has")
        case .gelu(approximate: false):
            // Exact gelu, x * (1 + erf(x / sqrt 2)) / 2 (opset 17 has no Gelu).
            let erf = g.add("Erf", [g.add("Div", [x, g.floatConstant([Float(2).squareRoot()], shape: [], name: name + "/sqrt2")],
                                          output: name + "/scaled")], output: name + "/erf")
            let onePlus = g.add("Add", [erf, g.floatConstant([1], shape: [], name: name + "/one")], output: name + "/one_plus")
            let half = g.add("Mul", [x, g.floatConstant([0.5], shape: [], name: name + "/half")], output: name + "/half_x")
            y = g.add("Mul", [half, onePlus], output: name)
        case .softmax:
            let axis = v.layout == .channelsFirst && v.rank == 4 ? 1 : -1
            y = g.add("Softmax", [x], output: name, [.int("axis", axis)])
        }
        return ONNXValue(name: y, shape: v.shape, layout: v.layout)
    }

    /// Kernel size, strides, dilations and padding of a window over an NHWC input: TensorFlow's
    /// "same" as explicit pads when the size is known (the odd pixel after), `SAME_UPPER` (the
    /// same rule) when it is not.
    func window(_ layer: Layer, _ input: [Int?], kernel: Size2D, strides: Size2D, dilation: Size2D?,
                padding: Padding) throws -> [Onnx_AttributeProto] {
        var a: [Onnx_AttributeProto] = [.ints("kernel_shape", [kernel.height, kernel.width]),
                                        .ints("strides", [strides.height, strides.width])]
        let d = dilation ?? 1
        if let dilation { a.append(.ints("dilations", [dilation.height, dilation.width])) }
        switch padding {
        case .valid:
            a.append(.ints("pads", [0, 0, 0, 0]))
        case let .explicit(t, b, l, r):
            a.append(.ints("pads", [t, l, b, r]))
        case .same:
            guard input.count == 4, let h = input[1], let w = input[2] else {
                a.append(.string("auto_pad", "SAME_UPPER"))
                return a
            }
            guard let ph = padding.resolve(input: h, kernel: kernel.height, stride: strides.height, dilation: d.height, axis: 0),
                  let pw = padding.resolve(input: w, kernel: kernel.width, stride: strides.width, dilation: d.width, axis: 1) else {
                throw NetworkError(layer.name, "internal: the window does not fit its input", received: [.init(shape: input)])
            }
            a.append(.ints("pads", [ph.before, pw.before, ph.after, pw.after]))
        }
        return a
    }

    /// Keras's depthwise kernel `(kh, kw, c, m)` as a grouped Conv: ONNX kernel `(c * m, 1, kh, kw)`,
    /// output channel `c * m + j` from input channel `c`, as Keras orders them.
    func depthwise(_ l: Layer, _ ins: [ONNXValue], kernelSize: Size2D, strides: Size2D, dilation: Size2D,
                   padding: Padding, bias: [String], output: String) throws -> String {
        guard let k = l.ownWeights.first(where: { $0.name == "depthwise_kernel" }) else {
            throw NetworkError(l.name, "has no weight depthwise_kernel (it was never called on a tensor)")
        }
        let (kh, kw, c, m) = (k.shape[0], k.shape[1], k.shape[2], k.shape[3])
        let w = try graph.initializer(weightConstant(k), form: ONNXWeightForm(permutation: [2, 3, 0, 1], shape: [c * m, 1, kh, kw]))
        return graph.add("Conv", [try graph.name(of: ins[0], in: .channelsFirst), w] + bias, output: output,
                         try window(l, ins[0].shape, kernel: kernelSize, strides: strides, dilation: dilation, padding: padding)
                             + [.int("group", c)])
    }

    /// BatchNormalization in inference (moving statistics): ONNX's op on channels-first images
    /// and on `(batch, features)`; for features last on other ranks, `(x - mean) / sqrt(var + eps)
    /// * gamma + beta` with the weights broadcast along the last axis.
    func batchNormalization(_ l: BatchNormalization, _ input: ONNXValue, out: [Int?], name: String) throws -> ONNXValue {
        let g = graph
        let rank = input.rank
        guard let axis = ShapeRule.normalizedAxis(l.axis, rank: rank), axis == rank - 1 else {
            throw NetworkError(l.name, "cannot be exported to ONNX: BatchNormalization on axis \(l.axis) of a rank-\(rank) input (only the last axis, the channels, maps to ONNX)")
        }
        guard let c = input.shape[axis] else { throw NetworkError(l.name, "internal: unknown channel count") }
        let gamma = try optionalWeight(l, "gamma").first ?? g.floatConstant([Float](repeating: 1, count: c), shape: [c], name: name + "/gamma")
        let beta = try optionalWeight(l, "beta").first ?? g.floatConstant([Float](repeating: 0, count: c), shape: [c], name: name + "/beta")
        let mean = try weight(l, "moving_mean"), variance = try weight(l, "moving_variance")
        if rank == 4 || rank == 2 {
            let layout: ONNXLayout = rank == 4 ? .channelsFirst : .plexus
            let y = g.add("BatchNormalization", [try g.name(of: input, in: layout), gamma, beta, mean, variance], output: name,
                          [.float("epsilon", l.epsilon)])
            return ONNXValue(name: y, shape: out, layout: layout)
        }
        let x = try g.name(of: input, in: .plexus)
        let eps = g.floatConstant([l.epsilon], shape: [], name: name + "/epsilon")
        let std = g.add("Sqrt", [g.add("Add", [variance, eps], output: name + "/variance_eps")], output: name + "/std")
        let normal = g.add("Div", [g.add("Sub", [x, mean], output: name + "/centered"), std], output: name + "/normalized")
        let y = g.add("Add", [g.add("Mul", [normal, gamma], output: name + "/scaled"), beta], output: name)
        return ONNXValue(name: y, shape: out, layout: .plexus)
    }

    /// The elementwise merges; inputs of one rank meet in a common layout, a lower-rank input gets
    /// axes of size 1 after its batch axis first (Keras's `Merge.call`).
    func merge(_ l: Merge, _ ins: [ONNXValue], out: [Int?], name: String) throws -> ONNXValue {
        let g = graph
        let rank = ins.map(\.rank).max() ?? 0
        let sameRank = ins.allSatisfy { $0.rank == rank }
        let layout: ONNXLayout = sameRank && rank == 4 && ins.contains { $0.layout == .channelsFirst } ? .channelsFirst : .plexus
        var names = try ins.map { try g.name(of: $0, in: layout) }
        if !sameRank {
            for (i, v) in ins.enumerated() where v.rank < rank {
                let axes = g.int64Constant(Array(1...(rank - v.rank)), name: name + "/axes")
                names[i] = g.add("Unsqueeze", [names[i], axes], output: name + "/expanded")
            }
        }
        let y: String
        switch l {
        case is Subtract: y = g.add("Sub", names, output: name)
        case is Maximum: y = g.add("Max", names, output: name)
        case is Minimum: y = g.add("Min", names, output: name)
        case is Multiply: y = chain("Mul", names, name: name)
        case is Average where names.count > 1:
            let total = chain("Add", names, name: name + "/sum")
            y = g.add("Mul", [total, g.floatConstant([1 / Float(names.count)], shape: [], name: name + "/reciprocal")], output: name)
        default: y = chain("Add", names, name: name)
        }
        return ONNXValue(name: y, shape: out, layout: layout)
    }

    /// `op` folded over the names from the left, the last node named `name`.
    private func chain(_ op: String, _ names: [String], name: String) -> String {
        guard names.count > 1 else { return names[0] }
        var acc = names[0]
        for (i, n) in names.dropFirst().enumerated() {
            acc = graph.add(op, [acc, n], output: i == names.count - 2 ? name : "\(name)/\(i)")
        }
        return acc
    }

    /// ConvTranspose's pads along one axis for Keras's output size (`deconv_output_length`),
    /// derived as TensorFlow derives them: the forward convolution of the output,
    /// `total = (n - 1) * s + span - out`, `before = total / 2` for "same"; when the windows end
    /// before the output does, the rest is ONNX's `output_padding` (zeros before the bias, as in
    /// Plexus).
    func transposePads(_ l: Conv2DTranspose, n: Int, axis: Int) -> (before: Int, after: Int, extra: Int) {
        let (k, s, d) = axis == 0 ? (l.kernelSize.height, l.strides.height, l.dilationRate.height)
                                  : (l.kernelSize.width, l.strides.width, l.dilationRate.width)
        let op = axis == 0 ? l.outputPadding?.height : l.outputPadding?.width
        let length = Conv2DTranspose.outputLength(n, kernel: k, stride: s, dilation: d, padding: l.padding, outputPadding: op)
        let total = (n - 1) * s + (k - 1) * d + 1 - length
        var before = 0
        if case .same = l.padding { before = max(total, 0) / 2 }
        let after = total - before
        return after >= 0 ? (before, after, 0) : (before, 0, -after)
    }

    /// `conv(x, kernel)`: a kernel shared by the batch `(kh, kw, in, out)` is an ONNX Conv whose
    /// weight is the kernel value transposed to `(out, in, kh, kw)`. A kernel per sample
    /// `(batch, kh, kw, in, out)` (a hypernetwork) becomes standard ops that run at any batch
    /// size: the patches of the image by a fixed one-hot depthwise Conv (all of the window's
    /// geometry: strides, padding, dilation), laid out `(batch, h, w, in * kh * kw)`, times each
    /// sample's kernel reshaped to `(batch, 1, in * kh * kw, out)` in one batched MatMul, which
    /// gives the NHWC result directly.
    func convolve(_ l: Conv, _ ins: [ONNXValue], out: [Int?], name: String) throws -> ONNXValue {
        let g = graph
        assert(ins[1].shape.suffix(4).allSatisfy { $0 != nil }, "Conv checks the kernel's sizes are known")  // invariant
        let k = ins[1].shape.suffix(4).map { $0 ?? 0 }
        let (kh, kw, cin, cout) = (k[0], k[1], k[2], k[3])
        let bias = try optionalWeight(l, "bias")
        let pre = preActivation(name, l.activation)
        let geometry = try window(l, ins[0].shape, kernel: Size2D(kh, kw), strides: l.strides, dilation: l.dilationRate,
                                  padding: l.padding)
        guard Conv.isPerSample(kernelShape: ins[1].shape) else {
            let w: String
            if let c = ins[1].constant {
                w = try g.initializer(c, form: .convolutionKernel)
            } else {
                w = g.add("Transpose", [try g.name(of: ins[1])], output: name + "/kernel", [.ints("perm", [3, 2, 0, 1])])
            }
            let y = g.add("Conv", [try g.name(of: ins[0], in: .channelsFirst), w] + bias, output: pre, geometry)
            return try activation(l.activation, ONNXValue(name: y, shape: out, layout: .channelsFirst), name: name)
        }
        // One-hot patch kernel: output channel c * kh * kw + i * kw + j copies input channel c at (i, j).
        let taps = kh * kw
        var onehot = [Float](repeating: 0, count: cin * taps * taps)
        for c in 0..<cin { for t in 0..<taps { onehot[(c * taps + t) * taps + t] = 1 } }
        let patchKernel = g.floatConstant(onehot, shape: [cin * taps, 1, kh, kw], name: name + "/patch_kernel")
        let patches = g.add("Conv", [try g.name(of: ins[0], in: .channelsFirst), patchKernel], output: name + "/patches",
                            geometry + [.int("group", cin)])
        let rows = g.add("Transpose", [patches], output: name + "/patches_nhwc", [.ints("perm", [0, 2, 3, 1])])
        // (batch, kh, kw, in, out) -> (batch, in, kh, kw, out) -> (batch, 1, in * kh * kw, out), matching the patch order.
        let kernel = g.add("Transpose", [try g.name(of: ins[1])], output: name + "/kernel_in_first", [.ints("perm", [0, 3, 1, 2, 4])])
        let matrices = g.add("Reshape", [kernel, g.int64Constant([0, 1, cin * taps, cout], name: name + "/kernel_shape")],
                             output: name + "/kernel_matrices")
        var y = g.add("MatMul", [rows, matrices], output: bias.isEmpty ? pre : name + "/matmul")
        if !bias.isEmpty { y = g.add("Add", [y] + bias, output: pre) }
        return try activation(l.activation, ONNXValue(name: y, shape: out, layout: .plexus), name: name)
    }
}

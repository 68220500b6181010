import PlexusTensor
import PlexusNN

// Calling, member access and indexing of the network values.

extension Interpreter {
    /// Calls a layer, a model or an activation; `nil` for other values (the caller reports them).
    ///
    /// A layer or model applies to symbolic tensors (`feature(a)`, `concat_layer([a, b])`): calling
    /// the same value again shares its weights. Errors of a piped call (`x |> conv2d(8, 3)`) point
    /// at the right-hand side, the layer that refused the input.
    func callNetworkValue(_ callee: Value, _ args: [CallArgument], at span: SourceSpan, calleeSpan: SourceSpan,
                          piped: Bool) throws -> Value? {
        switch callee {
        case .layer(let l): return try applyLayer(l, args, at: piped ? calleeSpan : span)
        case .model(let m): return try applyLayer(m, args, at: piped ? calleeSpan : span)
        case .activation(let f):
            let bound = try activationSignature.bind(args, callee: f.name, callSpan: piped ? calleeSpan : span)
            return try applyActivation(f, bound)
        default: return nil
        }
    }

    /// `x |> flatten` (a layer builtin piped into without parentheses) means `x |> flatten()`;
    /// `nil` when the callee is not a layer constructor (layer builtins taking sizes one by one,
    /// like `input` and `reshape`, are called as usual) or the input is not a graph value.
    func pipeIntoLayerBuiltin(_ b: Builtin, _ args: [CallArgument], at span: SourceSpan,
                              calleeSpan: SourceSpan) throws -> Value? {
        guard b.category == BuiltinCategory.layers, b.signature.variadic == nil, args.count == 1, args[0].label == nil,
              ValueKind.symbolicLike.matches(args[0].value) else { return nil }
        let layer: Value
        do {
            layer = try callBuiltin(b, [], at: calleeSpan)
        } catch var d as Diagnostic {
            if d.suggestion == nil { d.suggestion = "give \(b.name) its arguments: x |> \(b.signatureText)" }
            throw d
        }
        return try call(layer, args, at: span, calleeSpan: calleeSpan, piped: true)
    }

    /// Applies a layer or model to symbolic tensors given one by one or as one list; returns the
    /// output, or a list of outputs for a model with several.
    func applyLayer(_ layer: Layer, _ args: [CallArgument], at span: SourceSpan) throws -> Value {
        if let keyword = args.first(where: { $0.label != nil }), let label = keyword.label {
            throw Diagnostic("calling \(layer.name) takes tensors only, got keyword argument '\(label)'",
                             at: keyword.labelSpan ?? keyword.span)
        }
        var items = args.map { ($0.value, $0.span) }
        if items.count == 1 {
            switch items[0].0 {
            case .list(let xs), .tuple(let xs): items = xs.map { ($0, items[0].1) }
            default: break
            }
        }
        let values = items.compactMap { item -> Tensor? in
            if case .tensor(let t) = item.0 { return t }
            return nil
        }
        if !values.isEmpty, values.count == items.count {
            return try runOnValues(layer, values, at: span)
        }
        var inputs: [SymbolicTensor] = []
        for (value, valueSpan) in items {
            switch value {
            case .symbolic(let t): inputs.append(t)
            case .weight(let w): inputs.append(w.symbolic)
            case .tensor:
                throw Diagnostic("\(layer.name) takes either symbolic tensors (to build a graph) or tensors of values (to run it), not both",
                                 at: valueSpan,
                                 suggestion: "to mix them in a graph, use the tensor as constant(t)")
            default:
                throw Diagnostic("\(layer.name) applies to symbolic tensors and weights, got \(value.kindAndValue)", at: valueSpan)
            }
        }
        let outputs: [SymbolicTensor]
        do {
            outputs = try layer.apply(inputs)
        } catch {
            throw Diagnostic(error, at: span)
        }
        return outputs.count == 1 ? .symbolic(outputs[0]) : .list(outputs.map(Value.symbolic))
    }

    /// `relu(x)`: values now for a tensor, an `Activation` layer applied for a graph value, and
    /// the layer itself (to name or reuse) without `x`.
    func applyActivation(_ f: ActivationFunction, _ args: Arguments) throws -> Value {
        let name = try args.optionalString("name")
        switch args["x"] {
        case .nothing:
            return .layer(try args.attempt { try Activation(f, name: name) })
        case .tensor(let t):
            return .tensor(try args.attempt { try f.apply(t) })
        case .symbolic(let t):
            let layer = try args.attempt { try Activation(f, name: name) }
            return try applyLayer(layer, [CallArgument(value: .symbolic(t), span: args.span(of: "x"))], at: args.callSpan)
        case .weight(let w):
            let layer = try args.attempt { try Activation(f, name: name) }
            return try applyLayer(layer, [CallArgument(value: .weight(w), span: args.span(of: "x"))], at: args.callSpan)
        default:
            throw args.kindError("x", "a tensor, a symbolic tensor or a weight")
        }
    }

    // MARK: - Members

    /// `value.name` for the network values; `nil` for other values.
    func networkMember(_ base: Value, _ name: String, at span: SourceSpan) throws -> Value? {
        let names = Value.memberNames(of: base)
        guard !names.isEmpty else { return nil }
        do {
            if let v = try base.networkMember(name) { return v }
        } catch {
            throw Diagnostic(error, at: span)
        }
        let list = names.joined(separator: ", ")
        if let guess = didYouMean(name, candidates: names) {
            throw Diagnostic("\(base.kindName) has no member '\(name)'; did you mean '\(guess)'?", at: span,
                             notes: [Diagnostic.Note("members of \(base.kindName): \(list)")])
        }
        throw Diagnostic("\(base.kindName) has no member '\(name)'", at: span,
                         notes: [Diagnostic.Note("members of \(base.kindName): \(list)")])
    }

    // MARK: - Indexing

    /// `m["conv2d_1"]` (a layer by name), `data[0..99]` (samples), `t[0]` (a slice of a tensor's
    /// first axis); `nil` for other values.
    func networkIndex(_ base: Value, _ index: Value, at span: SourceSpan, indexSpan: SourceSpan) throws -> Value? {
        switch base {
        case .model(let m): return try layer(of: m, index, at: indexSpan)
        case .record(let r):
            guard case .string(let name) = index else {
                throw Diagnostic("a record is indexed by a field name, like c[\"macs\"], got \(index.kindAndValue)", at: indexSpan,
                                 notes: [Diagnostic.Note("fields: " + r.names.joined(separator: ", "))])
            }
            if let v = r[name] { return v }
            let guess = didYouMean(name, candidates: r.names)
            throw Diagnostic("the record has no field \"\(name)\"" + (guess.map { "; did you mean \"\($0)\"?" } ?? ""), at: indexSpan,
                             notes: [Diagnostic.Note("fields: " + r.names.joined(separator: ", "))])
        case .dataset(let d):
            let indices = try sampleIndices(index, count: d.count, what: "dataset", at: indexSpan)
            do { return .dataset(try d.subset(indices)) } catch { throw Diagnostic(error, at: span) }
        case .tensor(let t):
            guard t.rank >= 1 else { throw Diagnostic("a tensor of shape () cannot be indexed", at: span) }
            let indices = try sampleIndices(index, count: t.shape[0], what: "tensor's first axis", at: indexSpan)
            do {
                if case .number = index {
                    return .tensor(try t.sliced(axis: 0, indices[0]..<indices[0] + 1).reshaped(to: Array(t.shape.dropFirst())))
                }
                guard let first = indices.first, indices == Array(first..<first + indices.count) else {
                    throw Diagnostic("a tensor is sliced by a range of consecutive indices, like t[2..5]", at: indexSpan)
                }
                return .tensor(try t.sliced(axis: 0, first..<first + indices.count))
            } catch {
                throw Diagnostic(error, at: span)
            }
        default: return nil
        }
    }

    func layer(of m: Model, _ index: Value, at span: SourceSpan) throws -> Value {
        guard case .string(let name) = index else {
            throw Diagnostic("a model is indexed by a layer name, got \(index.kindAndValue)", at: span,
                             suggestion: "\(m.name).layers[i] takes layers by position")
        }
        if let l = m[name] { return Value.wrap(l) }
        let names = m.layers.map(\.name)
        if let guess = didYouMean(name, candidates: names) {
            throw Diagnostic("model \"\(m.name)\" has no layer \"\(name)\"; did you mean \"\(guess)\"?", at: span)
        }
        throw Diagnostic("model \"\(m.name)\" has no layer \"\(name)\"", at: span,
                         suggestion: "\(m.name).layers lists its \(names.count) layers")
    }

    /// The positions an integer or a range picks from `count` elements (negative from the end).
    func sampleIndices(_ index: Value, count: Int, what: String, at span: SourceSpan) throws -> [Int] {
        func resolve(_ i: Int) throws -> Int {
            let j = i < 0 ? i + count : i
            guard j >= 0, j < count else {
                throw Diagnostic("index \(i) is out of range for a \(what) of \(count)", at: span,
                                 notes: [Diagnostic.Note(count == 0 ? "it is empty" : "valid indices are 0..\(count - 1)")])
            }
            return j
        }
        switch index {
        case .number:
            guard let i = index.integer else {
                throw Diagnostic("an index must be an integer, got \(index.kindAndValue)", at: span)
            }
            return [try resolve(i)]
        case .range(let r):
            try r.checkEnds(resolve)
            return try (0..<r.count).map { try resolve(r[$0]) }
        default:
            throw Diagnostic("a \(what) is indexed by an integer or a range, got \(index.kindAndValue)", at: span)
        }
    }
}

/// The signature of every activation builtin and activation value: `relu([x], name: none)`.
// nonisolated(unsafe): immutable; its Params hold literal defaults only (see nameParam).
nonisolated(unsafe) let activationSignature = Signature(positional: [Param("x", .optional(.tensorLike), default: .nothing)],
                                    keywords: [nameParam])

extension Interpreter {
    /// Runs a layer or model on tensors of values, in inference mode and without a tape: `m(x)`.
    ///
    /// Each tensor carries its batch dimension first, as in Keras (`randn(1, 28, 28, 1)` for one
    /// image). A layer that is not a model is built for the tensors' shapes without recording a call.
    /// Weights that have no storage yet take their first values from the session's generator.
    func runOnValues(_ layer: Layer, _ values: [Tensor], at span: SourceSpan) throws -> Value {
        do {
            let context = ForwardContext(training: false, generator: random)
            defer { random = context.generator }
            if let model = layer as? Model {
                for (input, value) in zip(model.inputs, values) where input.shape.count != value.rank {
                    throw NetworkError(model.name, "expects inputs of shape \(formatSymbolicShape(input.shape)), got a tensor of shape \(formatShape(value.shape))",
                                       hint: "the first dimension is the batch: reshape(t, 1, ...) makes a batch of one")
                }
                let batch = values.first?.shape.first ?? 1
                let outputs = try predict(model, inputs: values, batchSize: Swift.max(batch, 1), context: context)
                return outputs.count == 1 ? .tensor(outputs[0]) : .list(outputs.map(Value.tensor))
            }
            // A plain layer: check the shapes, create its weights if it has none (recording no
            // call, so summaries and automatic names are as if it had not run), then run it.
            let shapes = values.map { $0.shape.map(Optional.some) }
            do {
                _ = try layer.outputShapes(for: shapes)
            } catch var error as NetworkError {
                // The layer's own refusal, which names it and the shapes; the hint about the batch
                // only when one more leading axis is what the layer wanted.
                if error.hint == nil, (try? layer.outputShapes(for: shapes.map { [1] + $0 })) != nil {
                    error.hint = "the first dimension is the batch: reshape(t, 1, ...) makes a batch of one"
                }
                throw error
            }
            if !layer.isBuilt { try layer.build(for: shapes.map { [nil] + $0.dropFirst() }) }
            let outputs = try withoutGradients {
                try layer.forwardAll(values.map { Variable($0) }, context: context).map(\.value)
            }
            return outputs.count == 1 ? .tensor(outputs[0]) : .list(outputs.map(Value.tensor))
        } catch {
            throw Diagnostic(error, at: span)
        }
    }
}

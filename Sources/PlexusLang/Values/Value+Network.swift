import PlexusTensor
import PlexusNN
// How the network values (layers, models, symbolic tensors, weights, tensors, datasets, optimisers,
// activations) are named in messages, printed at the prompt and compared.

extension Value {
    /// A layer as a value: a model keeps its own case (it has members a layer lacks).
    public static func wrap(_ layer: Layer) -> Value {
        if let m = layer as? Model { return .model(m) }
        return .layer(layer)
    }

    var networkKindName: String {
        switch self {
        case .layer: return "a layer"
        case .model: return "a model"
        case .symbolic: return "a symbolic tensor"
        case .weight: return "a weight"
        case .tensor: return "a tensor"
        case .dataset: return "a dataset"
        case .optimizer: return "an optimizer"
        case .snapshot: return "a snapshot"
        case .cuts: return "a list of cuts"
        case .activation: return "an activation"
        default: return kindName
        }
    }

    /// What the prompt shows: enough to answer "what shape, how many parameters, what is it" at a
    /// glance, on one line.
    var networkDescription: String {
        switch self {
        // `dense (Dense) units: 10, ...; weights kernel (4, 10), bias (10,) = 50 params`
        case .layer(let l): return l.description
        // `siamese (Functional): (None, 28, 28, 1), (None, 28, 28, 1) → (None, 2); 3,483,122 params (13.29 MB); shared: feature x2`
        case .model(let m): return m.description
        // `<tensor (None, 26, 26, 32) from conv2d (Conv2D)>`
        case .symbolic(let t): return t.description
        case .weight(let w): return Value.describe(w)
        // `Tensor(2, 3) [1, 2, 3, 4, 5, 6]`
        case .tensor(let t): return t.description
        // `Dataset(1797 samples: images (8, 8, 1) -> target ())`
        case .dataset(let d): return d.description
        // `adam(learning_rate: 0.001)`
        case .optimizer(let o): return o.description
        // `snapshot of basis_conv: 3 weights, 1,914 values`
        case .snapshot(let s): return s.description
        case .cuts(let c): return cutTable(c.cuts, modelName: c.modelName)
        case .activation(let f): return "<activation \(f.name)>"
        default: return description
        }
    }

    /// How a value shows inside a list or tuple: layers and models by name and type
    /// (`[input_layer (InputLayer), dense (Dense)]`), so `m.layers` reads as a list; the rest as
    /// at the prompt.
    var nestedRepr: String {
        switch self {
        case .layer(let l): return "\(l.name) (\(l.typeName))"
        case .model(let m): return "\(m.name) (\(m.typeName))"
        case .weight(let w): return "<weight \(w.path) \(formatShape(w.shape))>"
        default: return repr
        }
    }

    /// `<weight a (64, 1, 10) trainable, 640 params, glorot_uniform>`; a layer's weight shows its
    /// path (`dense/kernel`), and whether it has storage yet.
    static func describe(_ w: Weight) -> String {
        let state = w.role == .statistic ? "statistic" : w.trainable ? "trainable" : "frozen"
        let storage = w.isMaterialized ? ", materialised" : ""
        return "<weight \(w.path) \(formatShape(w.shape)) \(state), \(formatCount(w.count)) params, \(w.initializer)\(storage)>"
    }

    /// Identity for the objects that have it (layers, models, graph nodes, weights, optimisers),
    /// values for tensors, datasets and activations.
    static func networkEqual(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.layer(let x), .layer(let y)): return x === y
        case (.model(let x), .model(let y)): return x === y
        case (.symbolic(let x), .symbolic(let y)): return x === y
        case (.weight(let x), .weight(let y)): return x === y
        case (.optimizer(let x), .optimizer(let y)): return x === y
        case (.snapshot(let x), .snapshot(let y)): return x === y
        case (.cuts(let x), .cuts(let y)): return x === y
        case (.activation(let x), .activation(let y)): return x == y
        case (.tensor(let x), .tensor(let y)): return sameValues(x, y)
        case (.dataset(let x), .dataset(let y)):
            return x.inputNames == y.inputNames && zip(x.inputs, y.inputs).allSatisfy(sameValues)
                && sameValues(x.target, y.target)
        default: return false
        }
    }

    static func sameValues(_ x: Tensor, _ y: Tensor) -> Bool {
        guard x.shape == y.shape else { return false }
        if x.sharesStorage(with: y) { return true }
        return x.withUnsafeBufferPointer { p in y.withUnsafeBufferPointer { q in p.elementsEqual(q) } }
    }

    /// A shape as the language shows it: a tuple of sizes, `none` where unknown: `(none, 28, 28, 1)`.
    static func shape(_ dims: [Int?]) -> Value {
        .tuple(dims.map { $0.map { .number(Double($0)) } ?? .nothing })
    }

    /// A list of non-negative integers as numbers.
    static func numbers(_ xs: [Int]) -> Value { .tuple(xs.map { .number(Double($0)) }) }
}

import PlexusTensor
import PlexusNN
// The members of the network values (`m.layers`, `l.weights`, `t.shape`, `w.trainable`), one table
// per kind: the lookup, the "unknown member" listing and tab completion all read the same table.

/// A member: its name and how to read it.
struct Member<Base>: Sendable {
    let name: String
    let get: @Sendable (Base) throws -> Value
    init(_ name: String, _ get: @escaping @Sendable (Base) throws -> Value) {
        self.name = name
        self.get = get
    }
}

/// What every layer (and model) answers.
private let layerMembers: [Member<Layer>] = [
    Member("name") { .string($0.name) },
    Member("type") { .string($0.typeName) },
    Member("config") { .string($0.config.map { "\($0.key): \($0.value)" }.joined(separator: ", ")) },
    Member("weights") { .list($0.weights.map(Value.weight)) },
    Member("params") { .number(Double($0.parameterCount.total)) },
    Member("trainable") { l in
        let state = l.trainableState
        return .bool(state == .trainable || (state == .noParameters && !l.isFrozen))
    },
    Member("built") { .bool($0.isBuilt) },
    Member("calls") { .number(Double($0.nodes.count)) },
    Member("input") { l in
        guard let node = l.nodes.first else { throw NetworkError(l.name, "has not been called yet, so it has no input") }
        return node.inputs.count == 1 ? .symbolic(node.inputs[0]) : .list(node.inputs.map(Value.symbolic))
    },
    Member("output") { l in
        guard let node = l.nodes.first else { throw NetworkError(l.name, "has not been called yet, so it has no output") }
        let outs = node.outputs.compactMap { $0 }
        guard outs.count == node.outputs.count else {
            throw NetworkError(l.name, "has an output that nothing uses any more")
        }
        return outs.count == 1 ? .symbolic(outs[0]) : .list(outs.map(Value.symbolic))
    },
]

private let modelMembers: [Member<Model>] = [
    Member("layers") { .list($0.layers.map(Value.wrap)) },
    Member("inputs") { .list($0.inputs.map(Value.symbolic)) },
    Member("outputs") { .list($0.outputs.map(Value.symbolic)) },
] + layerMembers.filter { !["input", "output", "config"].contains($0.name) }.map { m in Member(m.name) { try m.get($0) } }

private let symbolicMembers: [Member<SymbolicTensor>] = [
    Member("shape") { Value.shape($0.shape) },
    Member("rank") { .number(Double($0.rank)) },
    Member("layer") { Value.wrap($0.producer) },
    Member("name") { .string($0.reference) },
]

private let weightMembers: [Member<Weight>] = [
    Member("name") { .string($0.name) },
    Member("path") { .string($0.path) },
    Member("shape") { Value.shape($0.shape.map { $0 }) },
    Member("trainable") { .bool($0.trainable) },
    Member("init") { .string($0.initializer.description) },
    Member("params") { .number(Double($0.count)) },
    Member("materialised") { .bool($0.isMaterialized) },
]

private let tensorMembers: [Member<Tensor>] = [
    Member("shape") { Value.shape($0.shape.map { $0 }) },
    Member("rank") { .number(Double($0.rank)) },
    Member("size") { .number(Double($0.count)) },
    Member("values") { .list($0.scalars.map { .number(Double($0)) }) },
]

private let datasetMembers: [Member<Dataset>] = [
    Member("count") { .number(Double($0.count)) },
    Member("inputs") { .list($0.inputs.map(Value.tensor)) },
    Member("input_names") { .list($0.inputNames.map(Value.string)) },
    Member("target") { .tensor($0.target) },
]

private let optimizerMembers: [Member<Optimizer>] = [
    Member("name") { .string($0.name) },
    Member("learning_rate") { .number(Double($0.learningRate)) },
    Member("iterations") { .number(Double($0.iterations)) },
]

private let activationMembers: [Member<ActivationFunction>] = [
    Member("name") { .string($0.name) },
]

extension Value {
    /// The member names of a value, for messages and tab completion; empty for values without
    /// members.
    public static func memberNames(of value: Value) -> [String] {
        switch value {
        case .layer: return layerMembers.map(\.name)
        case .model: return modelMembers.map(\.name)
        case .symbolic: return symbolicMembers.map(\.name)
        case .weight: return weightMembers.map(\.name)
        case .tensor: return tensorMembers.map(\.name)
        case .dataset: return datasetMembers.map(\.name)
        case .optimizer: return optimizerMembers.map(\.name)
        case .activation: return activationMembers.map(\.name)
        case .record(let r): return r.names
        default: return []
        }
    }

    /// The member `name`, or `nil` when the value has no such member.
    func networkMember(_ name: String) throws -> Value? {
        func find<T>(_ table: [Member<T>], _ base: T) throws -> Value? {
            try table.first { $0.name == name }.map { try $0.get(base) }
        }
        switch self {
        case .layer(let l): return try find(layerMembers, l)
        case .model(let m): return try find(modelMembers, m)
        case .symbolic(let t): return try find(symbolicMembers, t)
        case .weight(let w): return try find(weightMembers, w)
        case .tensor(let t): return try find(tensorMembers, t)
        case .dataset(let d): return try find(datasetMembers, d)
        case .optimizer(let o): return try find(optimizerMembers, o)
        case .activation(let f): return try find(activationMembers, f)
        case .record(let r): return r[name]
        default: return nil
        }
    }
}

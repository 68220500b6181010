/// What a builtin parameter accepts, with the phrase used when a call passes something else.
///
/// A struct of a name and a test rather than an enum, so engineers adding value cases (layers,
/// tensors) add kinds beside them without touching this file:
/// ```swift
/// extension ValueKind { static let layer = ValueKind("a layer") { if case .layer = $0 { true } else { false } } }
/// ```
public struct ValueKind: Sendable {
    /// How the kind reads after "expects": "an integer", "a list, tuple or range".
    public let name: String
    /// For string choices (`padding: "same"`): the accepted spellings, to suggest the nearest.
    public let choices: [String]?
    let test: @Sendable (Value) -> Bool

    public init(_ name: String, choices: [String]? = nil, matches: @escaping @Sendable (Value) -> Bool) {
        self.name = name
        self.choices = choices
        self.test = matches
    }

    public func matches(_ value: Value) -> Bool { test(value) }

    public static let any = ValueKind("any value") { _ in true }
    public static let number = ValueKind("a number") { if case .number = $0 { true } else { false } }
    /// A whole number (written `3` or `3.0`).
    public static let integer = ValueKind("an integer") { $0.integer != nil }
    public static let string = ValueKind("a string") { if case .string = $0 { true } else { false } }
    public static let bool = ValueKind("true or false") { if case .bool = $0 { true } else { false } }
    public static let list = ValueKind("a list") { if case .list = $0 { true } else { false } }
    /// Lists, tuples and ranges: what `for` iterates.
    public static let sequence = ValueKind("a list, tuple or range") {
        switch $0 {
        case .list, .tuple, .range: true
        default: false
        }
    }
    /// What `len` measures: lists, tuples, ranges and strings.
    public static let sized = ValueKind("a list, tuple, range or string") {
        switch $0 {
        case .list, .tuple, .range, .string, .cuts: true
        default: false
        }
    }
    public static let callable = ValueKind("a function") {
        switch $0 {
        case .function, .builtin: true
        default: false
        }
    }

    /// This kind, or `none`.
    public static func optional(_ kind: ValueKind) -> ValueKind {
        ValueKind("\(kind.name) or none", choices: kind.choices) { v in
            if case .nothing = v { return true }
            return kind.matches(v)
        }
    }

    /// Any of several kinds: "a number or a string".
    public static func oneOf(_ kinds: [ValueKind]) -> ValueKind {
        let names = kinds.map(\.name)
        let name = names.count <= 1 ? (names.first ?? "nothing")
            : names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
        return ValueKind(name) { v in kinds.contains { $0.matches(v) } }
    }

    /// One of a fixed set of strings in any case, as Keras reads `padding="SAME"`.
    public static func choiceIgnoringCase(_ options: [String]) -> ValueKind {
        let name = "one of " + options.map { Value.quote($0) }.joined(separator: ", ")
        return ValueKind(name, choices: options) { v in
            if case .string(let s) = v { return options.contains(s.lowercased()) }
            return false
        }
    }

    /// One of a fixed set of strings, like Keras's `padding="valid"|"same"`.
    public static func choice(_ options: [String]) -> ValueKind {
        let name = "one of " + options.map { Value.quote($0) }.joined(separator: ", ")
        return ValueKind(name, choices: options) { v in
            if case .string(let s) = v { return options.contains(s) }
            return false
        }
    }
}

/// A scope of bindings: the global scope, or the scope of one function call.
///
/// Blocks (`if`, `for`) do not open scopes. Assignment binds in the innermost scope (a name
/// assigned inside a function is local to it, as in Python), so a helper `def` never clobbers the
/// session's variables; reading falls back through the scopes a function closes over to the globals.
public final class Environment {
    public var values: [String: Value]
    public let parent: Environment?

    public init(parent: Environment? = nil, values: [String: Value] = [:]) {
        self.parent = parent
        self.values = values
    }

    /// The value bound to `name` here or in an enclosing scope.
    public func lookup(_ name: String) -> Value? {
        var scope: Environment? = self
        while let s = scope {
            if let v = s.values[name] { return v }
            scope = s.parent
        }
        return nil
    }

    /// Binds `name` in this scope.
    public func define(_ name: String, _ value: Value) {
        values[name] = value
    }

    /// Every name visible from this scope (for "did you mean").
    public var visibleNames: [String] {
        var names: [String] = []
        var scope: Environment? = self
        while let s = scope {
            names.append(contentsOf: s.values.keys)
            scope = s.parent
        }
        return names
    }
}

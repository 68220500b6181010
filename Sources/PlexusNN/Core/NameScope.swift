/// The automatic names of a session: `dense`, `dense_1`, `dense_2`, ... per base name, as Keras 3
/// gives them (`conv2d`, `max_pooling2d`, `input_layer`, `functional`).
///
/// One scope per session (the REPL makes one and `:reset` replaces it) so that names, and with
/// them summaries, are the same each time a script is replayed. Explicit names are reserved too,
/// so an automatic name never repeats one the user chose.
public final class NameScope {
    /// The scope new layers, weights and models take their names from.
    nonisolated(unsafe) public static var current = NameScope()

    private var counters: [String: Int] = [:]
    private var used: Set<String> = []

    public init() {}

    /// The next free name for `base`: `base` itself the first time, then `base_1`, `base_2`, ...
    public func uniqueName(_ base: String) -> String {
        var k = counters[base, default: 0]
        var candidate = k == 0 ? base : "\(base)_\(k)"
        while used.contains(candidate) {
            k += 1
            candidate = "\(base)_\(k)"
        }
        counters[base] = k + 1
        used.insert(candidate)
        return candidate
    }

    /// Records a name the user chose, so automatic names avoid it.
    public func reserve(_ name: String) { used.insert(name) }

    /// Whether a name was given out or reserved in this scope.
    public func isUsed(_ name: String) -> Bool { used.contains(name) }

    /// Runs `body` with `scope` as the current scope (tests, nested sessions).
    public static func with<R>(_ scope: NameScope, _ body: () throws -> R) rethrows -> R {
        let previous = current
        current = scope
        defer { current = previous }
        return try body()
    }
}

/// Keras's `to_snake_case` of a class name: `Conv2D` -> `conv2d`, `MaxPooling2D` ->
/// `max_pooling2d`, `ReLU` -> `re_lu`, `BatchNormalization` -> `batch_normalization`.
public func snakeCaseName(_ typeName: String) -> String {
    let chars = Array(typeName.filter { $0.isLetter || $0.isNumber || $0 == "_" })
    // Pass 1: an underscore before an uppercase letter that starts a lowercase run (not at 0).
    var pass1: [Character] = []
    for (i, c) in chars.enumerated() {
        if i > 0, c.isUppercase, i + 1 < chars.count, chars[i + 1].isLowercase { pass1.append("_") }
        pass1.append(c)
    }
    // Pass 2: an underscore between a lowercase letter and an uppercase letter.
    var out = ""
    for (i, c) in pass1.enumerated() {
        if i > 0, c.isUppercase, pass1[i - 1].isLowercase { out.append("_") }
        out.append(c)
    }
    return out.lowercased()
}

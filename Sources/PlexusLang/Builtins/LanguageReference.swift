/// The builtin reference of docs/LANGUAGE.md, generated from the registry, so that the manual
/// says what `:help` says (each builtin's signature, help, parameters and example are given once,
/// where it is registered).
extension BuiltinRegistry {
    /// The order of the sections; categories not listed here follow in registration order.
    static let categoryOrder = ["core", "layers", "activations", "merges", "tensors", "models", "surgery", "data", "optimizers", "training"]

    /// Every builtin as Markdown, grouped by category: a `### name` heading, the signature, the
    /// help paragraph, the parameters with their kinds and defaults, aliases and the example.
    public func markdownReference() -> String {
        var categories = BuiltinRegistry.categoryOrder.filter { c in all.contains { $0.category == c } }
        for b in all where !categories.contains(b.category) { categories.append(b.category) }
        var out = ""
        for category in categories {
            out += "## Builtins: \(category)\n\n"
            for b in all where b.category == category {
                out += "### \(b.name)\n\n"
                out += "`\(b.signatureText)`\n\n"
                out += b.help + "\n\n"
                let s = b.signature
                let doc = { (p: Param) in p.doc.map { " — \($0)" } ?? "" }
                var params = s.positional.map { p in
                    "- `\(p.name)`: \(p.kind.name)" + (p.defaultValue.map { " (default `\($0.repr)`)" } ?? "") + doc(p)
                }
                if let v = s.variadic { params.append("- `\(v.name)...`: \(v.kind.name)" + doc(v)) }
                params += s.keywords.map { k in
                    "- `\(k.name):` \(k.kind.name)" + (k.defaultValue.map { " (default `\($0.repr)`)" } ?? ", required") + doc(k)
                }
                if !params.isEmpty { out += params.joined(separator: "\n") + "\n\n" }
                if !b.aliases.isEmpty { out += "Also called: " + b.aliases.map { "`\($0)`" }.joined(separator: ", ") + ".\n\n" }
                out += "```\n" + b.example + "\n```\n\n"
            }
        }
        return out
    }
}

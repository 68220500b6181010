/// Named fields in a fixed order: what a builtin returns when its answer is several figures
/// (`costs(m)`). Fields read as members (`c.macs`) or by name (`c["macs"]`); the record prints
/// one field per line so that a figure is easy to find.
///
/// ```
/// c = costs(vgg16, batch: 32)
/// c.macs / 1e9            # 15.47
/// c["inference_bytes"]
/// ```
public struct Record: Equatable {
    /// What the record describes, shown in its first line: `costs of vgg16 (batch 32)`.
    public let title: String
    /// The field names, in order.
    public let names: [String]
    /// The field values, in the order of `names`.
    public let values: [Value]

    public init(title: String, fields: [(String, Value)]) {
        self.title = title
        self.names = fields.map(\.0)
        self.values = fields.map(\.1)
    }

    /// The value of field `name`, if there is one.
    public subscript(name: String) -> Value? {
        names.firstIndex(of: name).map { values[$0] }
    }

    /// `<costs of vgg16 (batch 1)>` then `  macs: 15470264320` per field.
    public var description: String {
        let width = names.map(\.count).max() ?? 0
        let lines = zip(names, values).map { n, v in
            "  " + n + ":" + String(repeating: " ", count: width - n.count + 1) + v.nestedRepr
        }
        return (["<\(title)>"] + lines).joined(separator: "\n")
    }
}

/// An error reading or generating data: a missing or malformed file, a bad value in a CSV, a header
/// that does not describe the bytes that follow it.
///
/// Every error names the file, and where it helps the line and column, so that the session that
/// loaded it can point at the culprit: `digits.csv:12:5: 'x' in column 'p4' is not a number`.
/// A bad file is always reported this way, never a crash.
public struct DataError: Error, CustomStringConvertible, Equatable {
    /// The file involved, as the user named it.
    public var file: String
    /// The 1-based line of a text file, when one is to blame.
    public var line: Int?
    /// The 1-based column (field) of a text file, when one is to blame.
    public var column: Int?
    /// What is wrong, and where it helps, how to fix it.
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`, the form compilers use, with the parts that are known.
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): \(message)"
    }
}

import PlexusTensor
import PlexusNN

// The one place where an error of the libraries below becomes a diagnostic: PlexusNN's
// `NetworkError` (a layer, the argument it refused, the shapes it received, a hint) and
// `DataError`, PlexusTensor's `TensorError`, and anything else by its description. The errors
// carry what a diagnostic needs as data; nothing here reads their message text to find out where
// to point.

extension Diagnostic {
    /// `error` as a diagnostic at `span`. A diagnostic stays as it is; a `NetworkError`'s hint
    /// becomes the `help:` line.
    public init(_ error: Error, at span: SourceSpan) {
        self = Diagnostic.converting(error, at: span, call: nil, about: nil)
    }

    /// `error` from a library call made by a builtin, pointing at the argument it is about: the one
    /// the error names (`NetworkError.argument`, set when a layer's specification refuses an
    /// argument), else `about` (what the call site knows the library was given), else the call.
    /// A refused layer argument reads as the builtin's: `conv2d: filters must be positive, got 0`.
    init(_ error: Error, in call: Arguments, about: String? = nil) {
        self = Diagnostic.converting(error, at: call.callSpan, call: call, about: about)
    }

    private static func converting(_ error: Error, at span: SourceSpan, call: Arguments?, about: String?) -> Diagnostic {
        switch error {
        case let d as Diagnostic:
            return d
        case var e as NetworkError:
            let hint = e.hint
            e.hint = nil
            if let call, e.layer == nil, e.layerType != nil {
                e.layerType = nil
                return Diagnostic(call.callee + ": " + e.description, at: call.span(ofAny: e.argument ?? about) ?? span, suggestion: hint)
            }
            return Diagnostic(e.description, at: call?.span(ofAny: e.argument ?? about) ?? span, suggestion: hint)
        case let e as TensorError:
            return Diagnostic(e.description, at: call?.span(ofAny: e.argument ?? about) ?? span)
        case let e as DataError:
            return Diagnostic(e.description, at: call?.span(ofAny: call?.argument(naming: e.file) ?? about) ?? span)
        default:
            return Diagnostic("\(error)", at: call?.span(ofAny: about) ?? span)
        }
    }
}

extension Arguments {
    /// Where the argument `name` was written, if it was.
    func span(ofAny name: String?) -> SourceSpan? { name.flatMap { spans[$0] } }

    /// The argument that named `file`: written as that path, or found as it beside the script.
    func argument(naming file: String) -> String? {
        spans.keys.sorted().first { name in
            guard case .string(let path) = self[name] else { return false }
            return path == file || (try? readPath(name)) == file
        }
    }
}

import PlexusNN
import Foundation

/// A meta command (`:name argument`): a line that talks to the session rather than computing.
public struct MetaCommand {
    public var name: String
    /// `:help [NAME]`.
    public var usage: String
    public var help: String
    /// Whether `:save` keeps it in the script (`:seed` yes, `:help` no).
    public var recorded: Bool
    public var run: (Session, _ argument: String, _ span: SourceSpan) throws -> Void

    public init(name: String, usage: String, help: String, recorded: Bool = false,
                run: @escaping (Session, String, SourceSpan) throws -> Void) {
        self.name = name
        self.usage = usage
        self.help = help
        self.recorded = recorded
        self.run = run
    }
}

extension Session {
    /// The deepest a script may `:load` another (a script loading itself stops here).
    static let maxLoadDepth = 16

    /// Registers a meta command, replacing any of the same name.
    public func register(_ command: MetaCommand) {
        metaCommands[command.name] = command
    }

    func registerStandardMetaCommands() {
        register(MetaCommand(name: "help", usage: ":help [NAME]",
                             help: "Lists the builtins and commands, or describes one.") { session, argument, span in
            if argument.isEmpty {
                session.write(session.helpListing())
            } else {
                session.write(try session.helpEntry(argument, at: span))
            }
        })
        register(MetaCommand(name: "vars", usage: ":vars", help: "Lists your variables and their values.") { session, _, _ in
            session.write(session.variablesListing())
        })
        register(MetaCommand(name: "reset", usage: ":reset",
                             help: "Forgets every variable and the statements ':save' would write, and re-seeds the random generator.") { session, _, _ in
            session.reset()
            session.write("session reset\n")
        })
        register(MetaCommand(name: "quit", usage: ":quit",
                             help: "Leaves Plexus. In a script run by ':load' it ends that script only, and the session goes on.") { session, _, _ in
            session.quitRequested = true
        })
        register(MetaCommand(name: "time", usage: ":time on|off",
                             help: "Shows how long each statement takes to run (each statement of a script too; meta commands are not timed).") { session, argument, span in
            switch argument {
            case "on": session.timing = true
            case "off": session.timing = false
            case "": session.write("timing is \(session.timing ? "on" : "off")\n")
            default: throw Diagnostic("':time' expects 'on' or 'off', got '\(argument)'", at: span)
            }
        })
        register(MetaCommand(name: "seed", usage: ":seed N", help: "Re-seeds the one random generator behind initialisers, shuffles and data, so a replayed session prints the same numbers.",
                             recorded: true) { session, argument, span in
            guard let n = UInt64(argument) else {
                throw Diagnostic("':seed' expects a whole number from 0 to \(UInt64.max), got '\(argument)'", at: span)
            }
            session.setSeed(n)
        })
        register(MetaCommand(name: "load", usage: ":load FILE",
                             help: "Runs a script, as if its statements were typed at the prompt. A relative FILE is looked for beside the script the ':load' is in, then in the working directory. A ':quit' in it ends that script only.") { session, argument, span in
            guard !argument.isEmpty else { throw Diagnostic("':load' expects a file name", at: span) }
            guard session.loadDepth < Session.maxLoadDepth else {
                throw Diagnostic("':load' nested more than \(Session.maxLoadDepth) deep (does a script load itself?)", at: span)
            }
            let source = try session.readScript(try session.resolveLoadPath(argument, at: span), at: span)
            session.loadDepth += 1
            defer { session.loadDepth -= 1 }
            let status = session.execute(source, echo: true, allowIncomplete: false)
            // The loaded script's `:quit` ended that script; the session (and its models) go on.
            session.quitRequested = false
            if status == .error { throw AlreadyReported() }
        })
        register(MetaCommand(name: "save", usage: ":save FILE",
                             help: "Writes the session's successful statements as a script that ':load' replays. The file is written whole or not at all (a temporary file, then renamed).") { session, argument, span in
            guard !argument.isEmpty else { throw Diagnostic("':save' expects a file name", at: span) }
            let path = NSString(string: argument).expandingTildeInPath
            let text = session.history.map { $0 + "\n" }.joined()
            if let reason = writeFileAtomically(Array(text.utf8), toPath: path) {
                throw Diagnostic("cannot write '\(argument)': \(reason)", at: span)
            }
            let n = session.history.count
            session.write("saved \(n) statement\(n == 1 ? "" : "s") to \(argument)\n")
        })
    }

    /// `:help`: every builtin by category with its signature and summary, then the commands.
    public func helpListing() -> String {
        let builtins = interpreter.builtins.all
        var categories: [String] = []
        for b in builtins where !categories.contains(b.category) { categories.append(b.category) }
        let width = min(34, (builtins.map(\.shortSignatureText.count) + metaCommands.values.map(\.usage.count)).max() ?? 0)
        func row(_ left: String, _ right: String) -> String {
            "  " + left.padding(toLength: max(width, left.count), withPad: " ", startingAt: 0) + "  " + right + "\n"
        }
        var out = ""
        for category in categories {
            out += "Builtins (\(category)):\n"
            for b in builtins.filter({ $0.category == category }).sorted(by: { $0.name < $1.name }) {
                out += row(b.shortSignatureText, b.summary)
            }
        }
        out += "Commands:\n"
        for c in metaCommands.values.sorted(by: { $0.name < $1.name }) {
            out += row(c.usage, c.help.components(separatedBy: ". ").first ?? c.help)
        }
        out += "':help NAME' describes one of them.\n"
        return out
    }

    /// `:help NAME`: one builtin (signature, help paragraph, parameters, example) or one command.
    public func helpEntry(_ rawName: String, at span: SourceSpan) throws -> String {
        let isCommand = rawName.hasPrefix(":")
        let name = isCommand ? String(rawName.dropFirst()) : rawName
        if !isCommand, let b = interpreter.builtins.lookup(name) {
            return Session.describe(b)
        }
        if let c = metaCommands[name] {
            return "\(c.usage)\n  \(c.help)\n"
        }
        if !isCommand, let v = interpreter.globals.values[name] {
            return "\(name) is one of your variables: \(v.kindAndValue)\n"
        }
        let candidates = interpreter.builtins.names + metaCommands.keys.map { ":" + $0 }
            + Array(interpreter.globals.values.keys)
        if let guess = didYouMean(rawName, candidates: candidates) {
            throw Diagnostic("unknown name '\(rawName)': did you mean \(guess)?", at: span)
        }
        throw Diagnostic("unknown name '\(rawName)'", at: span, suggestion: "':help' lists the builtins and commands")
    }

    /// The `:help NAME` text of a builtin.
    public static func describe(_ b: Builtin) -> String {
        var out = b.signatureText + "\n  " + b.help + "\n"
        let s = b.signature
        let doc = { (p: Param) in p.doc.map { " — \($0)" } ?? "" }
        var params = s.positional.map { p in
            "  \(p.name): \(p.kind.name)" + (p.defaultValue.map { " (default \($0.repr))" } ?? "") + doc(p)
        }
        if let v = s.variadic { params.append("  \(v.name)...: \(v.kind.name)" + doc(v)) }
        params += s.keywords.map { k in
            "  \(k.name): \(k.kind.name)" + (k.defaultValue.map { " (default \($0.repr))" } ?? ", required") + doc(k)
        }
        if !params.isEmpty { out += "parameters:\n" + params.map { $0 + "\n" }.joined() }
        if !b.aliases.isEmpty { out += "also called: " + b.aliases.joined(separator: ", ") + "\n" }
        out += "example:\n" + b.example.split(separator: "\n").map { "  \($0)\n" }.joined()
        return out
    }

    /// Everything a name at the prompt could complete to: variables, builtins, keywords, and
    /// meta commands (with their colon), sorted; for the shell's tab completion.
    public func completionCandidates(prefix: String = "") -> [String] {
        let all = Set(interpreter.globals.values.keys).union(interpreter.builtins.names)
            .union(TokenKind.keywords.keys).union(metaCommands.keys.map { ":" + $0 })
        return all.filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// `:vars`: each variable with its value, sorted by name.
    public func variablesListing() -> String {
        let vars = interpreter.globals.values.sorted { $0.key < $1.key }
        if vars.isEmpty { return "no variables yet\n" }
        return vars.map { "\($0.key) = \($0.value.repr)\n" }.joined()
    }
}

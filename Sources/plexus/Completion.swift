import CReadline
import PlexusLang
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tab completion: readline asks, `Session.complete` answers.
///
/// The session decides what the word before the cursor is (a name, a member after `.`, a keyword
/// argument inside an open call, a meta command, a file path) from the builtin registry and the
/// variables, so completion can never offer a builtin `:help` does not know. This file only
/// translates: it tells readline where words break, and hands it the candidates, or lets readline
/// complete file names itself after `:load` / `:save` and inside strings.
enum ShellCompletion {
    /// The candidates of the completion in progress, handed to readline one per call.
    static var candidates: [String] = []
    static var next = 0

    /// Words of the language end at any character that cannot be in a name.
    static let languageBreaks = strdup(" \t\n\"\\'`@$><=;|&{(}),[]+-*/%!.:#^~?")
    /// A path after `:load` ends at blanks; a path in a string at its opening quote.
    static let pathBreaks = strdup(" \t\n")
    static let stringBreaks = strdup("\"\n")

    static func install() {
        rl_completion_word_break_hook = {
            switch ShellCompletion.currentCompletion().context {
            case .filePath(inString: true): return ShellCompletion.stringBreaks
            case .filePath(inString: false): return ShellCompletion.pathBreaks
            default: return ShellCompletion.languageBreaks
            }
        }
        rl_attempted_completion_function = { text, _, _ in
            ShellCompletion.attempt(text)
        }
    }

    /// The session's completion for the text before the cursor, including the earlier lines of an
    /// unfinished statement.
    static func currentCompletion() -> Completion {
        guard let shell = Shell.current else { return Completion(context: .nothing, word: "", candidates: []) }
        let before = rl_line_buffer.map { buffer in
            String(decoding: UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self),
                                                 count: Int(max(0, rl_point))), as: UTF8.self)
        } ?? ""
        return shell.session.complete(shell.pending.isEmpty ? before : shell.pending + "\n" + before)
    }

    static func attempt(_ text: UnsafePointer<CChar>?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        let completion = currentCompletion()
        switch completion.context {
        case .filePath(let inString):
            // Readline's own file name completion; a file inside a string gets its closing quote.
            rl_attempted_completion_over = 0
            if inString { rl_completion_append_character = Int32(UInt8(ascii: "\"")) }
            return nil
        case .nothing:
            rl_attempted_completion_over = 1
            return nil
        case .name, .member, .argument, .command:
            rl_attempted_completion_over = 1
            candidates = completion.candidates
            next = 0
            // `units:` gets a space after it and a command name too; a name is left open for the
            // `(` or `.` that usually follows.
            let unique = candidates.count == 1 ? candidates[0] : nil
            let wantsSpace = unique.map { $0.hasSuffix(":") || completion.context == .command } ?? false
            rl_completion_append_character = wantsSpace ? Int32(UInt8(ascii: " ")) : 0
            guard let text else { return nil }
            return rl_completion_matches(text) { _, state in
                if state == 0 { ShellCompletion.next = 0 }
                guard ShellCompletion.next < ShellCompletion.candidates.count else { return nil }
                defer { ShellCompletion.next += 1 }
                return strdup(ShellCompletion.candidates[ShellCompletion.next])
            }
        }
    }
}

import Foundation
import CReadline
import PlexusLang
#if canImport(Glibc)
import Glibc
#endif

// Placeholder shell until the language issue lands: a readline prompt that knows :quit and :help.
let interactive = isatty(STDIN_FILENO) != 0
func readLine(prompt: String) -> String? {
    if interactive {
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        let line = String(cString: raw)
        if !line.isEmpty { add_history(raw) }
        return line
    }
    return Swift.readLine()
}

if interactive { print("Plexus \(PlexusNN.version): the language arrives with the next issue. :quit leaves.") }
while let line = readLine(prompt: "plexus> ") {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    if trimmed == ":quit" || trimmed == ":q" { break }
    if trimmed.isEmpty { continue }
    if trimmed.hasPrefix(":help") { print(":quit  leave the shell"); continue }
    print("error: the language is not implemented yet")
}

import Foundation

/// How far the learner got in each lesson, kept in a small text file so that `:learn NAME` resumes
/// where `:quit` (or a closed terminal) left off.
///
/// One line per lesson: its name and the number of steps done (`sharing 3`). The file lives in
/// `$PLEXUS_HOME` or `~/.plexus/` and is rewritten whole after each step, through a temporary file
/// and a rename, so an interrupted write never loses the progress of the other lessons.
public struct LessonProgress {
    public let path: String
    /// Steps done, by lesson name.
    public private(set) var stepsDone: [String: Int] = [:]

    /// `$PLEXUS_HOME/lessons-progress`, or `~/.plexus/lessons-progress`.
    public static func defaultPath() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let home = environment["PLEXUS_HOME"], !home.isEmpty {
            return (home as NSString).appendingPathComponent("lessons-progress")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return ((home as NSString).appendingPathComponent(".plexus") as NSString).appendingPathComponent("lessons-progress")
    }

    /// Reads the file; a missing file is no progress, and lines it cannot read are ignored (the
    /// file only ever holds what this type wrote).
    public init(path: String) {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else { return }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, let n = Int(fields[1]), n >= 0 { stepsDone[String(fields[0])] = n }
        }
    }

    public func steps(of lesson: String) -> Int { stepsDone[lesson] ?? 0 }

    /// Records the steps done of a lesson and writes the file.
    ///
    /// - Returns: nil, or why the file could not be written (the lesson goes on without it).
    public mutating func set(_ lesson: String, steps: Int) -> String? {
        stepsDone[lesson] = steps
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                return "cannot create \(directory): \(error.localizedDescription)"
            }
        }
        let text = stepsDone.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)\n" }.joined()
        return writeFileAtomically(Array(text.utf8), toPath: path).map { "cannot write \(path): \($0)" }
    }
}

import Foundation

/// A lesson of `:learn`: a sequence of steps read from a `lessons/*.plx` file.
///
/// Lessons are data, so a teacher writes one without touching Swift: prose in comments, code in
/// Plexus, and each step's check in Plexus too, parsed by the language's own parser. The format is
/// described in `docs/lessons.md`.
public struct Lesson {
    /// What `:learn NAME` calls it: the file name without its order prefix and extension
    /// (`01-sharing.plx` is `sharing`).
    public var name: String
    public var path: String
    public var title: String
    /// Paragraphs shown when the lesson starts.
    public var introduction: [String]
    public var steps: [LessonStep]
}

/// One step: text to read, code the lesson runs in front of the learner, and optionally a task
/// whose check runs on the learner's session after each input until it passes.
public struct LessonStep {
    public var title: String
    /// The 1-based line of the `#: step` directive, for messages about the lesson itself.
    public var line: Int
    public var text: [String] = []
    /// Shown, then run in the learner's session when the step starts.
    public var run: LessonCode?
    public var task: String?
    /// One is shown after each wrong try, in order (the last one repeats).
    public var hints: [String] = []
    /// Shown and run by `:skip`; run quietly to rebuild the session when a lesson resumes.
    public var answer: LessonCode?
    /// A function body: returns true (done), none or false (not yet), or a string (what differs).
    public var check: LessonCode?
    /// Shown once the check passes: the point the step makes.
    public var success: [String] = []
}

/// A piece of Plexus code of a lesson, already parsed. Its source keeps the lesson file's name and
/// line numbers, so an error in it points at the lesson file.
public struct LessonCode {
    /// The code as written (shown to the learner).
    public var text: String
    public var source: SourceFile
    public var statements: [Stmt]
}

/// A lesson in progress: which step, how many wrong tries at its task, whether `:play` paused it.
final class LessonRun {
    let lesson: Lesson
    var step: Int
    var wrongTries = 0
    var paused = false
    /// `Session.statementsRun` after the lesson's own code last ran: statements up to there are
    /// not the learner's.
    var lessonStatementsMark = 0

    init(lesson: Lesson, step: Int) {
        self.lesson = lesson
        self.step = step
    }
}

/// Where a running lesson stands, for the shell and for tests.
public struct LessonStatus: Equatable {
    public var name: String
    /// The current step, counted from 0.
    public var step: Int
    public var steps: Int
    public var wrongTries: Int
    public var paused: Bool
}

/// What a step's check said about the learner's session.
enum CheckOutcome: Equatable {
    case passed
    /// Not attempted yet (the check returned none or false): say nothing.
    case notYet
    /// A wrong try, with what differs.
    case wrong(String)
}

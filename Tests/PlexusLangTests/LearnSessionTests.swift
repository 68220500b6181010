import PlexusTensor
import PlexusNN
import Foundation
import XCTest
@testable import PlexusLang

/// `:learn`, `:skip` and `:play` in a session: starting, checking after each input, pausing,
/// keeping progress, resuming in a new session, and checks that cannot change the session.
final class LearnSessionTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-learn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("lessons"), withIntermediateDirectories: true)
        try LearnSessionTests.lesson.write(to: directory.appendingPathComponent("lessons/01-double.plx"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    var progressPath: String { directory.appendingPathComponent("home/lessons-progress").path }

    /// A session that finds the test's lesson and keeps progress in the test's directory.
    func learner() -> Transcript {
        let t = Transcript()
        t.session.lessonDirectory = directory.appendingPathComponent("lessons").path
        t.session.lessonProgressPath = progressPath
        return t
    }

    static let lesson = """
        #: lesson Doubling
        # Numbers, doubled.
        #: step Start
        #: run
        x = 21
        #: task Make y twice x.
        #: hint Multiply x by 2.
        #: hint y = x * 2
        #: answer
        y = x * 2
        #: check
        if not defined("y") { return none }
        if y == 2 * x { return true }
        return "y is " + str(y) + ", not twice x"
        #: step Again
        #: task Make z twice y.
        #: hint z = y * 2
        #: answer
        z = y * 2
        #: check
        scratch = 1
        if not defined("z") { return none }
        if z == 2 * y { return true }
        return "z is " + str(z)
        """

    func testLearnListsTheLessonsWithProgress() {
        let t = learner()
        let out = t.run(":learn")
        XCTAssertTrue(out.contains("  double  Doubling  not started"), out)
        t.run(":learn double")
        t.run("y = 42")
        XCTAssertTrue(learner().run(":learn").contains("  double  Doubling  1 of 2 steps"))
    }

    func testAStepIsCheckedAfterEachInputAndPassesOnAnyCorrectAnswer() {
        let t = learner()
        let start = t.run(":learn double")
        XCTAssertTrue(start.contains("── double, step 1 of 2: Start ──\n» x = 21\nTask: Make y twice x.\n"), start)
        XCTAssertEqual(t.run("w = 1"), "", "an input the check does not concern says nothing")
        XCTAssertEqual(t.session.lessonStatus?.step, 0)
        let out = t.run("y = x + x")
        XCTAssertTrue(out.hasPrefix("Correct.\n── double, step 2 of 2: Again ──"), out)
        XCTAssertEqual(t.session.lessonStatus?.step, 1)
    }

    func testWrongTriesGetWhatDiffersThenTheNextHint() {
        let t = learner()
        t.run(":learn double")
        XCTAssertEqual(t.run("y = 3"), "Not yet: y is 3, not twice x\nHint: Multiply x by 2.\n")
        XCTAssertEqual(t.run("y = 4"), "Not yet: y is 4, not twice x\nHint: y = x * 2\n(':skip' shows an answer and runs it; ':play' pauses the lesson)\n")
        XCTAssertEqual(t.session.lessonStatus?.wrongTries, 2)
        XCTAssertTrue(t.run("y = 5").contains("Hint: y = x * 2"), "the last hint repeats")
    }

    func testSkipShowsAnAnswerRunsItAndMovesOn() {
        let t = learner()
        t.run(":learn double")
        let out = t.run(":skip")
        XCTAssertTrue(out.hasPrefix("An answer:\n» y = x * 2\nCorrect.\n── double, step 2 of 2"), out)
        XCTAssertEqual(t.run("y"), "42\n")
    }

    func testPlayPausesTheChecksAndLearnResumes() {
        let t = learner()
        t.run(":learn double")
        XCTAssertTrue(t.run(":play").hasPrefix("Lesson 'double' paused at step 1 of 2"))
        XCTAssertEqual(t.run("y = 3"), "", "nothing is checked during :play")
        XCTAssertEqual(t.session.lessonStatus?.paused, true)
        XCTAssertTrue(t.run(":skip").contains("error: lesson 'double' is paused"))
        let back = t.run(":learn")
        XCTAssertTrue(back.hasPrefix("Back to lesson 'double'.\n── double, step 1 of 2: Start ──\nTask:"), back)
        XCTAssertEqual(t.session.lessonStatus?.paused, false)
        XCTAssertTrue(t.run("y = 42").hasPrefix("Correct."))
    }

    func testProgressIsKeptAndANewSessionResumesWithTheVariablesRebuilt() {
        let first = learner()
        first.run(":learn double")
        first.run("y = 42")
        XCTAssertEqual(try String(contentsOfFile: progressPath, encoding: .utf8), "double 1\n")
        first.run(":quit")

        let second = learner()
        let out = second.run(":learn double")
        XCTAssertTrue(out.contains("Resuming at step 2 of 2."), out)
        XCTAssertFalse(out.contains("» x = 21"), "the earlier steps are rebuilt quietly")
        XCTAssertEqual(second.run("y"), "42\n", "the earlier steps' code ran again")
        XCTAssertTrue(second.run("z = 84").contains("── Lesson 'double' complete: 2 of 2 steps ──"))
        XCTAssertEqual(try String(contentsOfFile: progressPath, encoding: .utf8), "double 2\n")
        XCTAssertNil(second.session.lessonStatus)
    }

    func testTheProgressFileIgnoresLinesItCannotReadAndIsRewrittenSorted() throws {
        let path = directory.appendingPathComponent("progress/nested/lessons-progress").path
        var progress = LessonProgress(path: path)
        XCTAssertNil(progress.set("zeta", steps: 2), "the directories are created")
        XCTAssertNil(progress.set("alpha", steps: 1))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "alpha 1\nzeta 2\n")
        try "alpha 3\ngarbage\nbeta -1\ngamma x\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(LessonProgress(path: path).stepsDone, ["alpha": 3])
    }

    func testAnUnwritableProgressFileIsSaidAndTheLessonGoesOn() throws {
        let blocker = directory.appendingPathComponent("file")
        try "x".write(to: blocker, atomically: true, encoding: .utf8)
        let t = learner()
        t.session.lessonProgressPath = blocker.appendingPathComponent("lessons-progress").path
        t.run(":learn double")
        let out = t.run("y = 42")
        XCTAssertTrue(out.contains("(progress not saved: "), out)
        XCTAssertTrue(out.contains("── double, step 2 of 2: Again ──"), out)
    }

    func testRestartStartsOverAndAFinishedLessonStartsAgain() {
        let t = learner()
        t.run(":learn double")
        t.run("y = 42")
        XCTAssertTrue(t.run(":learn double restart").contains("── double, step 1 of 2: Start ──"))
        XCTAssertEqual(LessonProgress(path: progressPath).steps(of: "double"), 0)
        t.run("y = 42")
        t.run("z = 84")
        XCTAssertTrue(t.run(":learn double").hasPrefix("You finished 'double' before: starting it again."))
    }

    func testAChecksVariablesStayInTheCheck() {
        let t = learner()
        t.run(":learn double")
        t.run("y = 42")
        t.run("q = 1")  // the second step's check assigns `scratch`
        XCTAssertTrue(t.run("scratch").contains("unknown name 'scratch'"))
        XCTAssertTrue(t.run(":vars").contains("q = 1"))
    }

    func testAChecksMistakeIsReportedAsTheLessonsNotTheLearners() throws {
        let broken = LearnSessionTests.lesson.replacingOccurrences(of: "if y == 2 * x { return true }", with: "if y == 2 * nothing_here { return true }")
        try broken.write(to: directory.appendingPathComponent("lessons/01-double.plx"), atomically: true, encoding: .utf8)
        let t = learner()
        t.run(":learn double")
        let out = t.run("y = 42")
        XCTAssertTrue(out.contains("01-double.plx:13:"), out)
        XCTAssertTrue(out.contains("a mistake in the lesson, not in your answer"), out)
        XCTAssertEqual(t.session.lessonStatus?.step, 0)
    }

    func testCtrlCDuringACheckStopsTheCheckAndNotTheLesson() throws {
        let looping = LearnSessionTests.lesson.replacingOccurrences(of: "if not defined(\"y\") { return none }",
                                                                    with: "trip()\nfor i in 1..1000000 { }")
        try looping.write(to: directory.appendingPathComponent("lessons/01-double.plx"), atomically: true, encoding: .utf8)
        let registry = BuiltinRegistry.standard()
        registry.register("trip", signature: Signature(), help: "Requests an interrupt, as Ctrl-C does.", example: "trip()") { _, _ in
            Interrupt.request()
            return .nothing
        }
        defer { Interrupt.clear() }
        let t = Transcript(builtins: registry)
        t.session.lessonDirectory = directory.appendingPathComponent("lessons").path
        t.session.lessonProgressPath = progressPath
        t.run(":learn double")
        let out = t.run("y = 42")
        XCTAssertEqual(out, "(the check was interrupted; it runs again after your next input)\n")
        XCTAssertEqual(t.session.lessonStatus?.step, 0)
        Interrupt.clear()
        XCTAssertTrue(t.run("y").hasPrefix("42\n"), "the learner's statement stands")
    }

    func testTheCheckHelpersAnswerWhatTheTablesShow() {
        let t = learner()
        for helper in LessonChecks.all { t.session.interpreter.globals.values[helper.name] = .builtin(helper) }
        t.run("x = input(8, 8, 1, name: \"img\"); h = x |> conv2d(2, 3, name: \"c\")")
        t.run("y = add(h, h |> conv2d(2, 1, name: \"r\"), name: \"sum\") |> flatten() |> dense(10, activation: softmax, name: \"d\")")
        t.run("m = model(x, y); data = digits()[0..31]")
        XCTAssertEqual(t.run("cut_names(m)"), "[\"img\", \"c\", \"sum\", \"flatten\", \"d\"]\n", "r is beside the skip: no cut")
        XCTAssertEqual(t.run("compiled(m)"), "false\n")
        t.run("compile(m, loss: \"sparse_categorical_crossentropy\", optimizer: sgd(0.1))")
        XCTAssertEqual(t.run("compiled(m)"), "true\n")
        t.run("freeze(m[\"r\"])")
        XCTAssertEqual(t.run("reached(m, data)"), "[\"c/kernel\", \"c/bias\", \"d/kernel\", \"d/bias\"]\n", "frozen r gets none")
        t.run("before = snapshot(m)")
        XCTAssertEqual(t.run("moved(before, m)"), "[]\n")
        t.run("step(m, data, steps: 1)")
        XCTAssertEqual(t.run("moved(before, m)"), "[\"c/kernel\", \"c/bias\", \"d/kernel\", \"d/bias\"]\n")
        XCTAssertEqual(t.run("[defined(\"before\"), defined(\"nothing_here\"), is_model(m), is_model(x)]"), "[true, false, true, false]\n")
    }

    func testAMalformedLessonIsAnErrorNamingTheFileAndLine() throws {
        try "#: lesson Broken\n#: step S\n#: task T\n".write(to: directory.appendingPathComponent("lessons/02-broken.plx"), atomically: true, encoding: .utf8)
        let t = learner()
        let out = t.run(":learn broken")
        XCTAssertTrue(out.contains("02-broken.plx:2:1: error: step 'S' has a task but no '#: check'"), out)
        XCTAssertTrue(t.run(":learn").contains("broken  (cannot be read: ':learn broken' says why)"))
    }

    func testUnknownLessonsAndCommandsOutsideALessonAreErrors() {
        let t = learner()
        XCTAssertTrue(t.run(":learn doubel").contains("error: no lesson called 'doubel': did you mean double?"))
        XCTAssertTrue(t.run(":skip").contains("error: ':skip' works inside a lesson, and none is running"))
        XCTAssertTrue(t.run(":play").contains("error: ':play' works inside a lesson, and none is running"))
        XCTAssertTrue(t.run(":learn double again").contains("error: ':learn' expects a lesson name, optionally followed by 'restart'"))
    }

    func testACommentAfterLearnIsIgnored() {
        let t = learner()
        XCTAssertTrue(t.run(":learn    # the list").contains("  double  Doubling  not started"))
        XCTAssertTrue(t.run(":learn double   # doubling").contains("── double, step 1 of 2: Start ──"))
    }

    func testLessonTextWrapsToTheTerminalWidth() {
        let t = learner()
        t.session.textWidth = { 40 }
        XCTAssertEqual(t.session.wrap("Task: one two three four five six seven eight nine ten", hangingIndent: 6),
                       "Task: one two three four five six seven\n      eight nine ten")
        XCTAssertEqual(t.session.wrap("Task: one.\nTwo three four five six seven eight nine ten eleven", hangingIndent: 6),
                       "Task: one.\n      Two three four five six seven\n      eight nine ten eleven", "a newline starts a line")
        t.session.textWidth = { 200 }
        XCTAssertEqual(t.session.wrap(String(repeating: "word ", count: 20)).components(separatedBy: "\n").map(\.count).max(), 84,
                       "never wider than 88 columns")
    }

    func testLearnCompletesLessonNamesThenRestart() {
        let t = learner()
        XCTAssertEqual(t.session.complete(":learn do"), Completion(context: .command, word: "do", candidates: ["double"]))
        XCTAssertEqual(t.session.complete(":learn double r").candidates, ["restart"])
    }

    func testHelpListsTheLessonCommands() {
        let out = learner().run(":help")
        XCTAssertTrue(out.contains("  :learn [NAME [restart]]"), out)
        XCTAssertTrue(out.contains("  :skip"))
        XCTAssertTrue(out.contains("  :play"))
    }
}

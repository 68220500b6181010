import XCTest
@testable import PlexusLang

/// Lesson files: what a teacher writes is read into steps, and every mistake in a lesson is an
/// error naming the file and the line.
final class LessonFileTests: XCTestCase {
    func parse(_ text: String, name: String = "lessons/09-demo.plx") throws -> Lesson {
        try LessonFile.parse(SourceFile(name: name, text: text))
    }

    /// The rendered error of a malformed lesson.
    func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try parse(text)
            XCTFail("expected an error", file: file, line: line)
            return ""
        } catch let d as Diagnostic {
            return d.description
        } catch {
            XCTFail("expected a Diagnostic, got \(error)", file: file, line: line)
            return ""
        }
    }

    static let demo = """
        #: lesson A demo
        # The introduction,
        # over two lines.
        #
        # A second paragraph.

        #: step First
        # Some text.
        #: run
        x = 2
        #: task Make y twice x,
        # a number.
        #: hint Multiply.
        #: hint y = x * 2
        #: answer
        y = x * 2
        #: check
        if not defined("y") { return none }
        if y == 4 { return true }
        return "y is " + str(y)
        #: success
        # Well done.

        #: step Second
        # No task here.
        """

    func testALessonIsReadIntoItsSteps() throws {
        let lesson = try parse(LessonFileTests.demo)
        XCTAssertEqual(lesson.name, "demo")
        XCTAssertEqual(lesson.title, "A demo")
        XCTAssertEqual(lesson.introduction, ["The introduction, over two lines.", "A second paragraph."])
        XCTAssertEqual(lesson.steps.count, 2)
        let first = lesson.steps[0]
        XCTAssertEqual(first.title, "First")
        XCTAssertEqual(first.text, ["Some text."])
        XCTAssertEqual(first.run?.text, "x = 2")
        XCTAssertEqual(first.task, "Make y twice x, a number.")
        XCTAssertEqual(first.hints, ["Multiply.", "y = x * 2"])
        XCTAssertEqual(first.answer?.text, "y = x * 2")
        XCTAssertEqual(first.check?.statements.count, 3)
        XCTAssertEqual(first.success, ["Well done."])
        XCTAssertNil(lesson.steps[1].task)
        XCTAssertNil(lesson.steps[1].check)
    }

    func testLessonNamesDropTheOrderPrefix() {
        XCTAssertEqual(LessonFile.lessonName(ofFile: "lessons/01-sharing.plx"), "sharing")
        XCTAssertEqual(LessonFile.lessonName(ofFile: "lessons/fully-conv.plx"), "fully-conv")
        XCTAssertEqual(LessonFile.lessonName(ofFile: "/x/12-a-b.plx"), "a-b")
    }

    func testCodeKeepsTheLessonFilesLineNumbers() throws {
        let lesson = try parse(LessonFileTests.demo)
        XCTAssertEqual(lesson.steps[0].run?.statements.first?.span.start.line, 10)
        XCTAssertEqual(lesson.steps[0].check?.statements.first?.span.start.line, 18)
        XCTAssertEqual(lesson.steps[0].check?.statements.first?.span.source.name, "lessons/09-demo.plx")
    }

    func testASyntaxErrorInACheckPointsAtItsLineInTheLessonFile() {
        let text = LessonFileTests.demo.replacingOccurrences(of: "if y == 4", with: "if y == == 4")
        let message = error(text)
        XCTAssertTrue(message.hasPrefix("lessons/09-demo.plx:19:"), message)
        XCTAssertTrue(message.contains("if y == == 4"), message)
    }

    func testASyntaxErrorInRunCodeNamesTheFileAndLine() {
        let message = error(LessonFileTests.demo.replacingOccurrences(of: "x = 2", with: "x = = 2"))
        XCTAssertTrue(message.hasPrefix("lessons/09-demo.plx:10:5: error:"), message)
    }

    func testCodeEndingMidStatementPointsAtTheLineAfterIt() {
        let message = error(LessonFileTests.demo.replacingOccurrences(of: "x = 2", with: "x = (2"))
        XCTAssertTrue(message.hasPrefix("lessons/09-demo.plx:11:1: error: the code before this line ends in the middle of a statement"), message)
        XCTAssertTrue(message.contains("#: task Make y twice x,"), message)
    }

    func testAnUnknownDirectiveIsAnErrorWithDidYouMean() {
        let message = error(LessonFileTests.demo.replacingOccurrences(of: "#: hint Multiply.", with: "#: hnit Multiply."))
        XCTAssertTrue(message.hasPrefix("lessons/09-demo.plx:13:1: error: unknown lesson directive '#: hnit': did you mean '#: hint'?"), message)
    }

    func testATaskWithoutACheckIsAnErrorAtItsStep() {
        var lines = LessonFileTests.demo.components(separatedBy: "\n")
        lines.removeSubrange(16...19) // the check directive and its three lines
        let message = error(lines.joined(separator: "\n"))
        XCTAssertTrue(message.hasPrefix("lessons/09-demo.plx:7:1: error: step 'First' has a task but no '#: check'"), message)
    }

    func testProseOutsideACommentIsAnErrorAtItsLine() {
        let message = error(LessonFileTests.demo.replacingOccurrences(of: "# Some text.", with: "Some text."))
        XCTAssertTrue(message.hasPrefix("lessons/09-demo.plx:8:1: error: text of a lesson goes in comments"), message)
    }

    func testAFileWithoutALessonLineIsAnError() {
        XCTAssertTrue(error("x = 1\n").hasPrefix("lessons/09-demo.plx:1:1: error: a lesson starts with '#: lesson TITLE'"))
        XCTAssertTrue(error("# only a comment\n").contains("not a lesson"))
        XCTAssertTrue(error("#: lesson T\n# no steps\n").contains("has no '#: step'"))
    }

    func testAHintBeforeTheTaskIsAnError() {
        let message = error("#: lesson T\n#: step S\n#: hint too early\n")
        XCTAssertTrue(message.hasPrefix("lessons/09-demo.plx:3:1: error: '#: hint' before the step's '#: task'"), message)
    }

    func testEveryLessonOfTheRepositoryReads() throws {
        // The repository's lessons/ (this file is Tests/PlexusLangTests/LessonFileTests.swift).
        let lessons = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("lessons")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: lessons.path)) ?? []
        let files = names.filter { $0.hasSuffix(".plx") }.sorted().map { lessons.appendingPathComponent($0).path }
        XCTAssertFalse(files.isEmpty)
        for file in files {
            let lesson = try LessonFile.load(file)
            XCTAssertFalse(lesson.steps.isEmpty, file)
            for step in lesson.steps where step.task != nil {
                XCTAssertNotNil(step.answer, "\(file): step '\(step.title)' has a task and no answer for :skip")
                XCTAssertFalse(step.hints.isEmpty, "\(file): step '\(step.title)' has a task and no hint")
            }
        }
    }
}

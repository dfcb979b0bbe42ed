import ArgumentParser
import Foundation
import NasFiles
import NasLang

/// `--allow-path DIR`, shared by every command, and the trust boundary each command draws:
/// a program or session reaches only its own folder tree (plus the standard library and the
/// shared dataset folders, read-only), the folders named with `--allow-path` or in the
/// project's `nasbook.allow`, and the files typed on the command line.
struct AccessOptions: ParsableArguments {
    @Option(name: .customLong("allow-path"),
            help: ArgumentHelp("Let the program read and write this folder (or file) too; repeat for more. By default it reaches only the folder tree of the script, session or REPL working directory.",
                               valueName: "dir"),
            completion: .directory)
    var allowPaths: [String] = []

    /// The boundary around `folder`. `files` are paths the user typed on the command line
    /// (`--db`, `--save`): allowed as they are. Grants from `folder/nasbook.allow` are announced
    /// on stderr, so a project received from someone else cannot widen its reach unseen.
    func access(around folder: String, files: [String] = []) -> FileAccess {
        var extra = allowPaths.map { FileAccess.Grant(path: $0, writable: true, origin: "--allow-path") }
        extra += files.map { FileAccess.Grant(path: $0, writable: true, isFile: true, origin: "the command line") }
        let (listed, problems) = FileAccess.allowFile(in: folder)
        for problem in problems { Console.err("nasbook: warning: \(problem)\n") }
        for grant in listed {
            Console.err("nasbook: \(grant.origin) allows \(grant.writable ? "reading and writing" : "reading") \(grant.path)\n")
        }
        return FileAccess.confined(to: folder, readable: StdlibLocator.searchPaths(), extra: extra + listed)
    }

    /// The folder holding `file`, resolved.
    static func folder(of file: String) -> String {
        FileAccess.resolve(URL(fileURLWithPath: file).deletingLastPathComponent().path)
    }
}

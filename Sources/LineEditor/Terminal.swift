import CLineEditorShim

/// Facts about the process's terminal.
public enum Terminal {
    /// True when both stdin and stdout are terminals: only then do prompts and line editing help.
    public static func isInteractive() -> Bool {
        nas_stdin_is_tty() != 0 && nas_stdout_is_tty() != 0
    }

    /// Whether stdout is a terminal (progress bars redraw in place only there).
    public static var outputIsTerminal: Bool { nas_stdout_is_tty() != 0 }
}

/// Ctrl-C as a polled flag, so a long evaluation stops at a safe point and the session survives.
public enum Interrupt {
    public static func install() { nas_interrupt_install() }

    /// Whether Ctrl-C was pressed since the last call; clears the flag.
    public static func take() -> Bool { nas_interrupt_take() != 0 }

    /// Sets the flag as the signal would; for tests and for cancelling from code.
    public static func raise() { nas_interrupt_raise() }

    /// Makes SIGTERM (what Slurm, Kubernetes and `kill` send) stop the program as Ctrl-C does,
    /// at a safe point, instead of killing it where it stands.
    public static func installTermination() { nas_terminate_install() }

    /// Whether SIGTERM arrived (it stays true).
    public static var terminated: Bool { nas_terminated() != 0 }
}

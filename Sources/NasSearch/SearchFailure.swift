/// A search or study operation that has to stop and tell the user why, in the user's words:
/// what failed, what is kept, how to go on. NasSearch knows nothing of the language; the
/// language reports a failure as a diagnostic at the call that ran the operation, at
/// `argument` when it names one of the call's arguments (`BuiltinCall.reporting`).
public struct SearchFailure: Error, CustomStringConvertible, Equatable {
    public let message: String
    /// The argument of the calling builtin the failure is about, if any (`"trial"`, `"data"`).
    public let argument: String?
    public let hint: String?

    public init(_ message: String, at argument: String? = nil, hint: String? = nil) {
        (self.message, self.argument, self.hint) = (message, argument, hint)
    }

    public var description: String { message }
}

/// Hard limits on metrics under a name (`budget`, `budget tight`), usually a board's RAM and
/// flash. The language declares it, a search is judged against it. Mutable from the language
/// (`budget.ram = 64 KB`) so a user can tighten it and re-filter results.
public struct Budget: Sendable {
    public var name: String
    public var constraints: [Constraint]

    public init(name: String, constraints: [Constraint]) {
        self.name = name
        self.constraints = constraints
    }

    public func constraint(for metric: Metric) -> Constraint? {
        constraints.first { $0.metric == metric }
    }

    /// Sets the limit of `metric`, keeping its comparison, or adds `<=` (`>=` for accuracy).
    public mutating func setLimit(_ metric: Metric, _ limit: Quantity) {
        if let i = constraints.firstIndex(where: { $0.metric == metric }) {
            constraints[i].limit = limit.value
        } else {
            constraints.append(Constraint(metric, metric.direction == .maximize ? .greaterOrEqual : .lessOrEqual, limit.value))
        }
    }
}

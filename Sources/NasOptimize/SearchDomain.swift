import NasCore

/// What one dimension of a search space decides, so policies that act per decision (ARS-MOBO's
/// agents) can tell decisions apart and generalize across layers.
public struct DimensionDescriptor: Sendable, Equatable {
    /// The layer the decision belongs to; nil for a global decision (learning rate, input size).
    public var layer: Int?
    /// The kind of decision ("width", "prune", "bits", ...): decisions of one kind share a policy.
    public var decision: String
    /// A normalized description of the layer (relative position, share of parameters, share of
    /// MACs, ...), the state a policy maps to an action; every descriptor of one domain should
    /// carry the same number of features.
    public var features: [Double]

    public init(layer: Int? = nil, decision: String, features: [Double] = []) {
        self.layer = layer
        self.decision = decision
        self.features = features
    }
}

/// Everything a strategy knows about the space it searches besides past observations: points
/// live in the unit hypercube [0, 1]^dimensions, a search space maps them to configurations.
public struct SearchDomain: Sendable {
    public var dimensions: Int
    /// One per dimension.
    public var descriptors: [DimensionDescriptor]
    /// Known constraints (budgets checked by a cost model): a point for which this returns false
    /// is never proposed. Strategies reject such points inside their optimizers and repair the
    /// ones they cannot avoid (see `repair`).
    public var isFeasible: (@Sendable ([Double]) -> Bool)?
    /// Objectives computable without an evaluation (flash, RAM, MACs): per objective its exact
    /// value, or nil for learned ones (accuracy). Model-based strategies use these values instead
    /// of a surrogate's prediction.
    public var analyticObjectives: (@Sendable ([Double]) -> [Double?])?
    /// How many space-filling (Sobol) points model-based strategies evaluate before fitting models.
    public var initialDesign: Int
    /// Hypervolume reference in minimized objective space (from budgets when given); nil: the
    /// worst observed value per objective plus 10% of its range, recomputed as observations come.
    public var reference: [Double]?

    /// `descriptors` nil: one per dimension, global, decision "x<i>", no features.
    /// `initialDesign` nil: 2 (dimensions + 1), the customary size for GP-based search.
    public init(dimensions: Int, descriptors: [DimensionDescriptor]? = nil,
                isFeasible: (@Sendable ([Double]) -> Bool)? = nil,
                analyticObjectives: (@Sendable ([Double]) -> [Double?])? = nil,
                initialDesign: Int? = nil, reference: [Double]? = nil) {
        precondition(dimensions > 0, "a search domain needs at least one dimension")
        precondition(descriptors.map { $0.count == dimensions } ?? true, "one descriptor per dimension")
        self.dimensions = dimensions
        self.descriptors = descriptors ?? (0..<dimensions).map { DimensionDescriptor(decision: "x\($0)") }
        self.isFeasible = isFeasible
        self.analyticObjectives = analyticObjectives
        self.initialDesign = max(1, initialDesign ?? 2 * (dimensions + 1))
        self.reference = reference
    }

    public func feasible(_ x: [Double]) -> Bool { isFeasible?(x) ?? true }

    /// The hypervolume reference model-based strategies measure improvement against: the
    /// domain's `reference`, else per objective the worst of `successes` (non-empty) plus 10% of
    /// its range.
    public func reference(for successes: [Observation]) -> [Double] {
        reference ?? (0..<successes[0].objectives.count).map { k in
            let values = successes.map { $0.objectives[k] }
            return values.max()! + 0.1 * max(values.max()! - values.min()!, 1e-9)
        }
    }

    /// How many uniform draws `repair` tries when no feasible anchor is known.
    static let feasibleDraws = 2000

    /// A feasible point as close to `x` as a line search finds: `x` itself when feasible, else
    /// the feasible point nearest `x` on the segment towards the closest feasible anchor (past
    /// feasible points), found by bisection; with no anchor, uniform draws until one is feasible.
    /// Returns `x` unchanged only when no feasible point turned up at all (the budget rules out
    /// every anchor and `feasibleDraws` uniform draws); `Study` then records a failed trial.
    public func repair(_ x: [Double], anchors: [[Double]], rng: inout SeededGenerator) -> [Double] {
        guard let isFeasible, !isFeasible(x) else { return x }
        var anchor = anchors.filter(isFeasible).min { distance2($0, x) < distance2($1, x) }
        for _ in 0..<Self.feasibleDraws where anchor == nil {
            let draw = (0..<dimensions).map { _ in rng.nextDouble() }
            if isFeasible(draw) { anchor = draw }
        }
        guard let anchor else { return x }
        // Invariant: the point at t_low is feasible, at t_high not (t = 0 is the anchor, 1 is x).
        var low = 0.0, high = 1.0
        for _ in 0..<20 {
            let mid = 0.5 * (low + high)
            if isFeasible(zip(anchor, x).map { $0 + mid * ($1 - $0) }) { low = mid } else { high = mid }
        }
        return zip(anchor, x).map { $0 + low * ($1 - $0) }
    }

    func distance2(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }
}

@testable import NasOptimize

extension LayerwiseARSMOBO.Settings {
    /// Few agents, steps and samples: keeps strategy tests fast in debug builds.
    static var quick: Self {
        var s = Self()
        s.agents = 2
        s.stepsPerProposal = 2
        s.directions = 4
        s.top = 2
        s.samples = 8
        s.finalists = 4
        return s
    }
}

extension ARSMOBO.Settings {
    /// Two policies, short training and few samples: keeps strategy tests fast.
    static var quick: Self {
        var s = Self()
        s.policies = 2
        s.iterations = 3
        s.directions = 4
        s.top = 2
        s.horizon = 5
        s.samples = 8
        return s
    }
}

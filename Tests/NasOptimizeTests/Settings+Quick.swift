@testable import NasOptimize

extension ARSMOBO.Settings {
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

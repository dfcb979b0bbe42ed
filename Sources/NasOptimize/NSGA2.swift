import Foundation
import NasCore

/// NSGA-II (Deb et al. 2002): generations of `population` points; survivors chosen by
/// non-dominated rank then crowding distance; offspring by binary tournament, simulated binary
/// crossover and polynomial mutation, all in the unit hypercube.
public struct NSGA2: Strategy {
    public let populationSize: Int
    let crossoverEta = 15.0, mutationEta = 20.0
    var rng: SeededGenerator
    var parents: [Observation] = []
    var consumed = 0
    var queue: [[Double]] = []

    public init(seed: UInt64, populationSize: Int = 20) {
        rng = SeededGenerator(seed: seed)
        self.populationSize = max(4, populationSize)
    }

    public var name: String { "nsga2" }

    /// Infeasible children are repaired towards the nearest past feasible point; failed trials
    /// never become parents.
    public mutating func propose(after history: [Observation], in domain: SearchDomain) -> [Double] {
        if queue.isEmpty {
            if history.count < populationSize || parents.isEmpty && history.successful.count < 2 {
                var random = RandomSearch(seed: rng.next())
                queue = [random.propose(after: history, in: domain)]
            } else {
                let offspring = Array(history[consumed...]).successful
                consumed = history.count
                parents = Self.survivors(parents + offspring, count: populationSize)
                queue = makeOffspring(dimensions: domain.dimensions)
            }
        }
        return domain.repair(queue.removeFirst(), anchors: history.map(\.x), rng: &rng)
    }

    /// Rank, then crowding distance (larger first) within the last admitted front.
    static func survivors(_ pool: [Observation], count: Int) -> [Observation] {
        var chosen: [Observation] = []
        for front in Pareto.fronts(pool.map(\.objectives)) {
            let members = front.map { pool[$0] }
            if chosen.count + members.count <= count {
                chosen += members
            } else {
                let distance = crowding(members.map(\.objectives))
                let order = members.indices.sorted { distance[$0] != distance[$1] ? distance[$0] > distance[$1] : $0 < $1 }
                chosen += order.prefix(count - chosen.count).map { members[$0] }
                break
            }
        }
        return chosen
    }

    static func crowding(_ points: [[Double]]) -> [Double] {
        guard let m = points.first?.count else { return [] }
        var distance = [Double](repeating: 0, count: points.count)
        for k in 0..<m {
            let order = points.indices.sorted { points[$0][k] < points[$1][k] }
            let span = points[order.last!][k] - points[order.first!][k]
            distance[order.first!] = .infinity
            distance[order.last!] = .infinity
            guard span > 0, points.count > 2 else { continue }
            for i in 1..<(order.count - 1) {
                distance[order[i]] += (points[order[i + 1]][k] - points[order[i - 1]][k]) / span
            }
        }
        return distance
    }

    mutating func makeOffspring(dimensions: Int) -> [[Double]] {
        let ranks = rankAndCrowding()
        var children: [[Double]] = []
        while children.count < populationSize {
            let a = tournament(ranks), b = tournament(ranks)
            var (c1, c2) = crossover(parents[a].x, parents[b].x)
            mutate(&c1)
            mutate(&c2)
            children += [c1, c2]
        }
        return Array(children.prefix(populationSize))
    }

    func rankAndCrowding() -> [(rank: Int, crowding: Double)] {
        var result = [(rank: Int, crowding: Double)](repeating: (0, 0), count: parents.count)
        for (rank, front) in Pareto.fronts(parents.map(\.objectives)).enumerated() {
            let distance = Self.crowding(front.map { parents[$0].objectives })
            for (i, index) in front.enumerated() { result[index] = (rank, distance[i]) }
        }
        return result
    }

    mutating func tournament(_ ranks: [(rank: Int, crowding: Double)]) -> Int {
        let a = rng.nextInt(below: parents.count), b = rng.nextInt(below: parents.count)
        if ranks[a].rank != ranks[b].rank { return ranks[a].rank < ranks[b].rank ? a : b }
        return ranks[a].crowding >= ranks[b].crowding ? a : b
    }

    /// Simulated binary crossover, each coordinate with probability 1/2.
    mutating func crossover(_ p1: [Double], _ p2: [Double]) -> ([Double], [Double]) {
        var c1 = p1, c2 = p2
        for i in p1.indices where rng.nextDouble() < 0.5 {
            let u = rng.nextDouble()
            let beta = u <= 0.5 ? pow(2 * u, 1 / (crossoverEta + 1)) : pow(1 / (2 * (1 - u)), 1 / (crossoverEta + 1))
            c1[i] = min(max(0.5 * ((1 + beta) * p1[i] + (1 - beta) * p2[i]), 0), 1)
            c2[i] = min(max(0.5 * ((1 - beta) * p1[i] + (1 + beta) * p2[i]), 0), 1)
        }
        return (c1, c2)
    }

    /// Polynomial mutation, each coordinate with probability 1/d.
    mutating func mutate(_ x: inout [Double]) {
        for i in x.indices where rng.nextDouble() < 1 / Double(x.count) {
            let u = rng.nextDouble()
            let delta = u < 0.5 ? pow(2 * u, 1 / (mutationEta + 1)) - 1 : 1 - pow(2 * (1 - u), 1 / (mutationEta + 1))
            x[i] = min(max(x[i] + delta, 0), 1)
        }
    }
}

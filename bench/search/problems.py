"""The test problems nasbook-bench searches, written again in Python for the Optuna and BoTorch
peers: ZDT1, DTLZ2 and the synthetic compression problem (nasbook's CompressionProblem, same
layer sizes and sensitivities from the same seed through splitmix64).

    python problems.py check FILE   # FILE: `nasbook-bench compression-points` output; exits 1 on mismatch
"""
import math
import sys

MASK = (1 << 64) - 1


def zdt1(x):
    g = 1 + 9 * sum(x[1:]) / max(1, len(x) - 1)
    return [x[0], g * (1 - math.sqrt(x[0] / g))]


def dtlz2(x, m):
    k = len(x) - m + 1
    g = sum((v - 0.5) ** 2 for v in x[-k:])
    out = []
    for i in range(m):
        f = 1 + g
        for j in range(m - 1 - i):
            f *= math.cos(x[j] * math.pi / 2)
        if i > 0:
            f *= math.sin(x[m - 1 - i] * math.pi / 2)
        out.append(f)
    return out


class Compression:
    """Per layer a pruning rate and a bit-width, plus width and resolution: 2 L + 2 inputs."""

    flash_budget = 0.12
    ram_budget = 0.3

    def __init__(self, layers, seed=1):
        self.layers = layers
        state = seed & MASK

        def uniform():
            nonlocal state
            state = (state + 0x9E3779B97F4A7C15) & MASK
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            return ((z ^ (z >> 31)) >> 11) / 9007199254740992

        self.channels, self.side, self.sensitivity = [], [], []
        for l in range(layers):
            stage = l * 3 // layers
            self.channels.append(math.floor(16 * 2.0 ** stage * (0.75 + 0.5 * uniform()) + 0.5))
            self.side.append(32 / 2.0 ** stage)
            edge = 2.0 if l in (0, layers - 1) else 1.0
            self.sensitivity.append(edge * (0.3 + 0.7 * uniform()))
        self.full = self._raw([0.0, 1.0] * layers + [1.0, 1.0])
        self.dimensions = 2 * layers + 2
        self.reference = [0.6, 1.0, 1.0]

    def decode(self, x):
        n = self.layers
        prune = [0.9 * x[2 * l] for l in range(n)]
        # Swift's rounded() rounds half away from zero; Python's round() to even: floor(v + 0.5) matches for v > 0.
        bits = [math.floor(2 + 6 * x[2 * l + 1] + 0.5) for l in range(n)]
        return prune, bits, 0.25 + 0.75 * x[2 * n], 0.5 + 0.5 * x[2 * n + 1]

    def _raw(self, x):
        prune, bits, width, resolution = self.decode(x)
        keep = [(1 - p) * width for p in prune]
        flash = ram = macs = 0.0
        for l in range(self.layers):
            inputs = 3 if l == 0 else self.channels[l - 1] * keep[l - 1]
            outputs = self.channels[l] * keep[l]
            pixels = self.side[l] * self.side[l] * resolution * resolution
            weights = 9 * inputs * outputs
            flash += weights * bits[l] / 8
            macs += weights * pixels
            ram = max(ram, (inputs * (4 if l == 0 else 1) + outputs) * pixels)
        return flash, ram, macs

    def costs(self, x):
        flash, ram, macs = self._raw(x)
        return flash / self.full[0], ram / self.full[1], macs / self.full[2]

    def error(self, x):
        prune, bits, width, resolution = self.decode(x)
        keep = [(1 - p) * width for p in prune]
        damage = 0.0
        for l in range(self.layers):
            s = self.sensitivity[l]
            damage += 0.04 * s * (-math.log(keep[l])) ** 1.5
            damage += 0.15 * s * 4.0 ** -(bits[l] - 2) / keep[l]
            if l > 0:
                damage += 0.1 * s * prune[l - 1] * prune[l]
        damage += 0.6 * (1 - resolution) ** 2
        return 1 - (0.1 + 0.82 * math.exp(-damage))

    def evaluate(self, x):
        flash, _, macs = self.costs(x)
        return [self.error(x), flash / self.flash_budget, macs]

    def feasible(self, x):
        flash, ram, _ = self.costs(x)
        return flash <= self.flash_budget and ram <= self.ram_budget


def check(path):
    """Each line of FILE: layers seed | x... | f... | feasible (0/1), from nasbook-bench."""
    worst, count = 0.0, 0
    for line in open(path):
        head, xs, fs, feasible = line.strip().split("|")
        layers, seed = map(int, head.split())
        problem = Compression(layers, seed)
        x = [float(v) for v in xs.split()]
        want = [float(v) for v in fs.split()]
        got = problem.evaluate(x)
        worst = max(worst, max(abs(a - b) / max(abs(b), 1e-12) for a, b in zip(got, want)))
        if problem.feasible(x) != (feasible.strip() == "1"):
            print(f"feasibility differs at {x}")
            return 1
        count += 1
    print(f"compression problem: Python and Swift agree on {count} points (largest relative difference {worst:.1e})")
    return 0 if worst < 1e-9 else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2]))
    print(__doc__)
    sys.exit(2)

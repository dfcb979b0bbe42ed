"""Optuna's samplers on the same test problems nasbook-bench searches, scored the same way.

    python optuna_peer.py PROBLEM DIMS OBJECTIVES TRIALS SEEDS

Prints one line per sampler: mean and standard deviation of the final hypervolume over seeds
(reference point as nasbook uses: 1.1 per objective for ZDT1 and DTLZ2), and mean seconds.
The problem definitions follow ZDT1 and DTLZ2 as nasbook's TestProblem defines them.
"""
import math
import sys
import time

import moocore
import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
problem, dims, m, trials, seeds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])


def evaluate(x):
    if problem == "zdt1":
        g = 1 + 9 * sum(x[1:]) / max(1, dims - 1)
        return [x[0], g * (1 - math.sqrt(x[0] / g))]
    k = dims - m + 1
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


reference = np.full(m, 1.1)
samplers = {
    "optuna-nsga2": lambda s: optuna.samplers.NSGAIISampler(seed=s),
    "optuna-tpe": lambda s: optuna.samplers.TPESampler(seed=s),
    "optuna-gp": lambda s: optuna.samplers.GPSampler(seed=s),
    "optuna-random": lambda s: optuna.samplers.RandomSampler(seed=s),
}
for name, make in samplers.items():
    volumes, seconds = [], []
    for seed in range(seeds):
        study = optuna.create_study(directions=["minimize"] * m, sampler=make(seed))
        start = time.perf_counter()
        study.optimize(lambda t: evaluate([t.suggest_float(f"x{i}", 0, 1) for i in range(dims)]), n_trials=trials)
        seconds.append(time.perf_counter() - start)
        points = np.array([t.values for t in study.trials])
        inside = points[(points < reference).all(axis=1)]
        volumes.append(float(moocore.hypervolume(inside, ref=reference)) if len(inside) else 0.0)
    print(f"{name}: hypervolume {np.mean(volumes):.4f} +- {np.std(volumes):.4f}, {np.mean(seconds):.1f} s per search "
          f"({problem}, {dims} inputs, {m} objectives, {trials} trials, {seeds} seeds)")

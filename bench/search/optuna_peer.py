"""Optuna's samplers on the same test problems nasbook-bench searches, scored the same way.

    python optuna_peer.py PROBLEM DIMS OBJECTIVES TRIALS SEEDS [SAMPLERS]

PROBLEM: zdt1, dtlz2 or compression (DIMS then is its number of layers). SAMPLERS: comma-separated
subset of nsga2,tpe,gp,random (default all). Prints one line per sampler: mean and standard
deviation of the final hypervolume over seeds (reference point as nasbook uses), and mean seconds
per search. On the compression problem the samplers get the flash and RAM budgets as Optuna
constraints (constraints_func); an infeasible trial still counts as an evaluation and adds no
hypervolume, as nasbook counts a trial outside the budget.
"""
import sys
import time
import warnings

import moocore
import numpy as np
import optuna

from problems import Compression, dtlz2, zdt1

optuna.logging.set_verbosity(optuna.logging.ERROR)
# constraints_func is deprecated in Optuna 5 in favour of Trial.set_constraint but still honoured.
warnings.filterwarnings("ignore", category=FutureWarning)
problem, dims, m, trials, seeds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
chosen = sys.argv[6].split(",") if len(sys.argv) > 6 else ["nsga2", "tpe", "gp", "random"]

if problem == "compression":
    space = Compression(dims)
    dims, m, reference = space.dimensions, 3, np.array(space.reference)
    evaluate = space.evaluate

    def constraints(trial):
        return trial.user_attrs["constraints"]
else:
    space, constraints = None, None
    reference = np.full(m, 1.1)
    evaluate = zdt1 if problem == "zdt1" else (lambda x: dtlz2(x, m))


def objective(trial):
    x = [trial.suggest_float(f"x{i}", 0, 1) for i in range(dims)]
    if space is not None:
        flash, ram, _ = space.costs(x)
        trial.set_user_attr("constraints", [flash - space.flash_budget, ram - space.ram_budget])
    return evaluate(x)


samplers = {
    "nsga2": lambda s: optuna.samplers.NSGAIISampler(seed=s, constraints_func=constraints),
    "tpe": lambda s: optuna.samplers.TPESampler(seed=s, constraints_func=constraints),
    "gp": lambda s: optuna.samplers.GPSampler(seed=s, constraints_func=constraints),
    "random": lambda s: optuna.samplers.RandomSampler(seed=s),
}
for name in chosen:
    volumes, seconds = [], []
    for seed in range(seeds):
        study = optuna.create_study(directions=["minimize"] * m, sampler=samplers[name](seed))
        start = time.perf_counter()
        study.optimize(objective, n_trials=trials)
        seconds.append(time.perf_counter() - start)
        kept = [t for t in study.trials if space is None or all(c <= 0 for c in t.user_attrs["constraints"])]
        points = np.array([t.values for t in kept]).reshape(-1, m)
        inside = points[(points < reference).all(axis=1)]
        volumes.append(float(moocore.hypervolume(inside, ref=reference)) if len(inside) else 0.0)
        print(f"  optuna-{name} seed {seed}: hypervolume {volumes[-1]:.4f}, {seconds[-1]:.1f} s", file=sys.stderr, flush=True)
    print(f"optuna-{name}: hypervolume {np.mean(volumes):.4f} +- {np.std(volumes):.4f}, {np.mean(seconds):.1f} s per search "
          f"({problem}, {dims} inputs, {m} objectives, {trials} trials, {seeds} seeds)", flush=True)

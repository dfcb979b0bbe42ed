"""Time for one proposal after N observations of DTLZ2 (uniform random points), as
`nasbook-bench proposal` measures it: Optuna's NSGA-II, TPE and GP samplers, and BoTorch's
qLogNEHVI (its recommended noisy EHVI) with BoTorch's tutorial settings (one SingleTaskGP per
objective fitted by fit_gpytorch_mll, 128 quasi-MC samples, optimize_acqf with 10 restarts from
512 raw samples). One proposal = fitting the models plus optimizing the acquisition. Torch runs
on one thread, as nasbook does.

    python proposal_peer.py DIMS OBJECTIVES REPETITIONS N1 [N2 ...]
"""
import sys
import time
import warnings

import numpy as np
import optuna
import torch

from problems import dtlz2

warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)
torch.set_num_threads(1)
dims, m, repetitions = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
counts = [int(v) for v in sys.argv[4:]]


def history(n, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.random((n, dims))
    return x, np.array([dtlz2(list(row), m) for row in x])


def median_ms(body):
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        body()
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times))


def optuna_proposal(make, n):
    x, y = history(n)
    distributions = {f"x{i}": optuna.distributions.FloatDistribution(0, 1) for i in range(dims)}

    def propose():
        study = optuna.create_study(directions=["minimize"] * m, sampler=make())
        study.add_trials([optuna.trial.create_trial(params={f"x{i}": float(v) for i, v in enumerate(row)},
                                                    distributions=distributions, values=list(values))
                          for row, values in zip(x, y)])
        start = time.perf_counter()
        trial = study.ask()
        for i in range(dims):
            trial.suggest_float(f"x{i}", 0, 1)
        return time.perf_counter() - start

    # Only ask + suggest is timed: building the study is bookkeeping nasbook does not pay either.
    return float(np.median([propose() for _ in range(repetitions)])) * 1000


def botorch_proposal(n):
    from botorch.acquisition.multi_objective.logei import qLogNoisyExpectedHypervolumeImprovement
    from botorch.fit import fit_gpytorch_mll
    from botorch.models import ModelListGP, SingleTaskGP
    from botorch.models.transforms import Standardize
    from botorch.optim import optimize_acqf
    from botorch.sampling import SobolQMCNormalSampler
    from gpytorch.mlls import SumMarginalLogLikelihood

    x, y = history(n)
    train_x = torch.tensor(x, dtype=torch.double)
    train_y = -torch.tensor(y, dtype=torch.double)  # BoTorch maximizes
    ref = torch.full((m,), -1.1, dtype=torch.double)
    bounds = torch.stack([torch.zeros(dims, dtype=torch.double), torch.ones(dims, dtype=torch.double)])

    def propose():
        models = [SingleTaskGP(train_x, train_y[:, k:k + 1], outcome_transform=Standardize(m=1)) for k in range(m)]
        model = ModelListGP(*models)
        fit_gpytorch_mll(SumMarginalLogLikelihood(model.likelihood, model))
        acqf = qLogNoisyExpectedHypervolumeImprovement(model=model, ref_point=ref, X_baseline=train_x, prune_baseline=True,
                                                       sampler=SobolQMCNormalSampler(sample_shape=torch.Size([128])))
        optimize_acqf(acqf, bounds=bounds, q=1, num_restarts=10, raw_samples=512,
                      options={"batch_limit": 5, "maxiter": 200})

    return median_ms(propose)


for n in counts:
    peers = {
        "optuna-nsga2": lambda: optuna_proposal(lambda: optuna.samplers.NSGAIISampler(seed=1), n),
        "optuna-tpe": lambda: optuna_proposal(lambda: optuna.samplers.TPESampler(seed=1), n),
        "optuna-gp": lambda: optuna_proposal(lambda: optuna.samplers.GPSampler(seed=1), n),
        "botorch-qlognehvi": lambda: botorch_proposal(n),
    }
    for name, run in peers.items():
        print(f"{name}: {run():.1f} ms per proposal at {n} observations, {dims} inputs, {m} objectives", flush=True)

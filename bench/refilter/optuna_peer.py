"""Optuna's re-filter of the same stored trials that `nasbook-bench refilter --db FILE` wrote.

    python optuna_peer.py NASBOOK_DB REPETITIONS

Copies the latest nasbook study's trials (metrics, objectives accuracy up, ram and latency down)
into an Optuna study in its own SQLite file (RDBStorage), untimed. Then times what a user of
Optuna does for `budget.ram = 64 KB`: read the complete trials from the database, keep those
whose ram user attribute fits, and take their Pareto front; and the same from trials already in
memory. Prints one line like nasbook-bench refilter's.
"""
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time

import optuna
from optuna.distributions import FloatDistribution
from optuna.storages import RDBStorage
from optuna.study import StudyDirection
from optuna.study._multi_objective import _get_pareto_front_trials_by_trials
from optuna.trial import TrialState, create_trial

optuna.logging.set_verbosity(optuna.logging.WARNING)
source, repetitions = sys.argv[1], int(sys.argv[2])

with sqlite3.connect(source) as db:
    rows = db.execute(
        "SELECT x, metrics FROM trial WHERE studyId = (SELECT MAX(id) FROM study) AND status = 'complete' ORDER BY number"
    ).fetchall()

path = os.path.join(tempfile.mkdtemp(prefix="optuna-refilter-"), "optuna.db")
storage = RDBStorage(f"sqlite:///{path}")
directions = [StudyDirection.MAXIMIZE, StudyDirection.MINIMIZE, StudyDirection.MINIMIZE]
study = optuna.create_study(storage=storage, study_name="refilter", directions=["maximize", "minimize", "minimize"])
study.add_trials(
    create_trial(
        params={f"x{i}": v for i, v in enumerate(json.loads(x))},
        distributions={f"x{i}": FloatDistribution(0, 1) for i in range(len(json.loads(x)))},
        values=[m["accuracy"], m["ram"], m["latency"]],
        user_attrs=m,
    )
    for x, m in ((x, json.loads(metrics)) for x, metrics in rows)
)
study_id = storage.get_study_id_from_name("refilter")


def refilter(trials):
    feasible = [t for t in trials if t.user_attrs["ram"] <= 64 * 1024]
    return _get_pareto_front_trials_by_trials(feasible, directions)


def timed(body):
    """Median and p90 wall milliseconds, and mean CPU milliseconds, as nasbook-bench reports them."""
    times = []
    cpu_start = time.process_time()
    for _ in range(repetitions):
        start = time.perf_counter()
        body()
        times.append((time.perf_counter() - start) * 1000)
    cpu = (time.process_time() - cpu_start) * 1000 / repetitions
    times.sort()
    return times[len(times) // 2], times[len(times) * 9 // 10], cpu


read = lambda: storage.get_all_trials(study_id, deepcopy=False, states=(TrialState.COMPLETE,))
front = refilter(read())
disk = timed(lambda: refilter(read()))
cached = read()
memory = timed(lambda: refilter(cached))
print(
    f"optuna {optuna.__version__}: refilter {len(rows)} stored trials to ram <= 64 KB ({len(front)} on the feasible front), "
    f"medians over {repetitions} runs (mean CPU): from SQLite {disk[0]:.2f} ms ({disk[2]:.2f}), p90 {disk[1]:.2f}; "
    f"from memory {memory[0]:.3f} ms ({memory[2]:.3f})"
)
os.remove(path)

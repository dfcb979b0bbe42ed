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


def milliseconds(body):
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        result = body()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2], times[len(times) * 9 // 10], result


read = lambda: storage.get_all_trials(study_id, deepcopy=False, states=(TrialState.COMPLETE,))
disk, disk_p90, front = milliseconds(lambda: refilter(read()))
read_only, _, _ = milliseconds(read)
cached = read()
memory, memory_p90, _ = milliseconds(lambda: refilter(cached))
print(
    f"optuna {optuna.__version__}: refilter {len(rows)} stored trials to ram <= 64 KB ({len(front)} on the feasible front): "
    f"from SQLite median {disk:.2f} ms (p90 {disk_p90:.2f}; read alone {read_only:.2f}), "
    f"from memory median {memory:.3f} ms (p90 {memory_p90:.3f}), over {repetitions} runs"
)
os.remove(path)

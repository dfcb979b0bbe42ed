"""Times moocore's exact hypervolume on the points nasbook-bench wrote, for the same reference.

    python moocore_hv.py POINTS_FILE REFERENCE REPETITIONS
"""
import sys
import time

import moocore
import numpy as np

points = np.loadtxt(sys.argv[1])
reference = float(sys.argv[2])
repetitions = int(sys.argv[3])
ref = np.full(points.shape[1], reference)
times = []
for _ in range(repetitions):
    start = time.perf_counter()
    value = moocore.hypervolume(points, ref=ref)
    times.append((time.perf_counter() - start) * 1e3)
times.sort()
print(f"moocore {moocore.__version__}: hypervolume of {len(points)} points in {points.shape[1]}D: {value:.6f}, "
      f"median {times[len(times) // 2]:.3f} ms over {repetitions} runs")

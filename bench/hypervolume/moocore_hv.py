"""Times moocore's exact hypervolume on the points nasbook-bench wrote, for the same reference.

    python moocore_hv.py POINTS_FILE REFERENCE REPETITIONS [cpu|wall]

cpu (default) times with the process CPU clock, wall with the wall clock, like nasbook-bench's
--clock. Only the moocore.hypervolume call is timed.
"""
import sys
import time

import moocore
import numpy as np

points = np.loadtxt(sys.argv[1], ndmin=2)
reference = float(sys.argv[2])
repetitions = int(sys.argv[3])
clock = time.process_time if (sys.argv[4] if len(sys.argv) > 4 else "cpu") == "cpu" else time.perf_counter
ref = np.full(points.shape[1], reference)
times = []
for _ in range(repetitions):
    start = clock()
    value = moocore.hypervolume(points, ref=ref)
    times.append((clock() - start) * 1e3)
times.sort()
print(f"moocore {moocore.__version__}: hypervolume of {len(points)} points in {points.shape[1]}D: {value:.6f}, "
      f"median {times[len(times) // 2]:.3f} ms over {repetitions} runs")

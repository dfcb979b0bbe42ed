# Plots: trials as a scatter with the budget and the Pareto front, curves such as the
# hypervolume over trials, and per-layer bars. On a terminal they are in colour; given
# a file name ending in .svg as `to:`, plot and bars write an SVG file for a report instead.
#   nasbook run examples/plots.nas

# Any list of records plots; a study's s.trials looks like this.
trials = [
  { trial: 1,  accuracy: 0.62, ram: 18 KB, flash: 40 KB },
  { trial: 2,  accuracy: 0.71, ram: 26 KB, flash: 64 KB },
  { trial: 3,  accuracy: 0.78, ram: 44 KB, flash: 120 KB },
  { trial: 4,  accuracy: 0.69, ram: 31 KB, flash: 52 KB },
  { trial: 5,  accuracy: 0.83, ram: 72 KB, flash: 210 KB },
  { trial: 6,  accuracy: 0.58, ram: 12 KB, flash: 22 KB },
  { trial: 7,  accuracy: 0.75, ram: 38 KB, flash: 96 KB },
  { trial: 8,  accuracy: 0.52, ram: 40 KB, flash: 90 KB, status: "failed" },
  { trial: 9,  accuracy: 0.80, ram: 58 KB, flash: 150 KB },
  { trial: 10, accuracy: 0.66, ram: 22 KB, flash: 70 KB },
  { trial: 11, accuracy: 0.86, ram: 96 KB, flash: 260 KB },
  { trial: 12, accuracy: 0.73, ram: 50 KB, flash: 80 KB },
]

# The budget draws its limits as lines; trials that break it are crossed out, failed ones
# marked `!`, and the front of the rest (accuracy up, RAM down) is joined as a staircase.
budget { ram <= 64 KB; flash <= 192 KB }
plot(trials, x: "ram", y: "accuracy", budget: budget, width: 56, height: 14)

# The same records as a table: ● on the front, ✗ over budget (and on what), ! failed.
table(trials, budget: budget, sort: "accuracy")

# ASCII for terminals without Braille fonts.
plot(trials, x: "flash", y: "accuracy", budget: budget, width: 56, height: 10, ascii: true)

# A study plots its trials; a list of numbers, or a record of lists, is a line plot.
a = search(problem.zdt1(dims: 3), strategy: "sobol", trials: 60, seed: 1)
b = search(problem.zdt1(dims: 3), strategy: "random", trials: 60, seed: 1)
plot(a, title: "ZDT1 with Sobol points", width: 56, height: 12)
plot({ sobol: a.history, random: b.history }, x: "trial", y: "hypervolume", width: 56, height: 10)

# Per-layer bars, e.g. a compression plan: pruning rate and weight bit-width per layer.
bars({ prune: [0.1, 0.5, 0.6, 0.3], bits: [8, 4, 4, 8] }, labels: ["conv1", "conv2", "conv3", "dense"])

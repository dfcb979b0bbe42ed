# nasbook quickstart: search for a small image classifier that fits a real board.
#   nasbook run examples/quickstart.nas
use "boards"

target = boards.nucleo_f746zg
print("target:", target.name, "-", target.core, "at", target.clock, "with", target.ram, "RAM and", target.flash, "flash")

# Built-in synthetic data: 16x16 RGB images of 10 kinds of shapes, the same on every machine.
# 3,000 images: 2,400 to train on, 600 held out to choose between trials (docs/recipe.md).
data = dataset.shapes(count: 3000, size: 16, seed: 1)

# What the optimizer may choose: architecture, learning rate and compression. `channels`
# removes that fraction of every convolution's filters (switched off gradually during
# training), so flash, RAM and MACs all shrink; `bits` quantizes each layer's weights.
space cnn {
  width    in [8, 16, 24, 32]
  depth    in 2..3
  lr       in 0.1 ~ 0.8 log
  epochs   = 6
  channels in 0.0 ~ 0.6
  bits     in [4, 8] per layer
}

objectives { maximize accuracy; minimize ram; minimize flash }

# Leave headroom on the board for the application around the model.
budget {
  ram   <= 16 KB
  flash <= 32 KB
}

# Each trial trains, prunes, quantizes and fine-tunes a network, then scores it in int8.
# Networks over the budget are skipped before any training.
s = search(cnn, data, target, strategy: ars_mobo, trials: 16, seed: 7, validation: 0.2)
show s
plot(s, x: flash, y: accuracy)

# The front was chosen on the validation samples; score it on images no trial has seen.
test = dataset.shapes(count: 1000, size: 16, seed: 2)
show s.evaluate(test)

best = s.best(by: accuracy)
print("most accurate network that fits: trial", best.trial, "with accuracy", round(best.accuracy, 3), "in int8,",
      round(value_in(best.ram, "KB"), 1), "KB RAM,", round(value_in(best.flash, "KB"), 1), "KB flash")
bars({bits: best.settings.bits}, title: "per-layer bit-widths of trial " + str(best.trial))

# C99 sources for the board: int8 weights, a static arena of exactly the RAM above, model_invoke().
export best to "out/quickstart"

# Budgets are values: tighten one and the front is re-filtered from the stored trials.
budget.flash = 8 KB

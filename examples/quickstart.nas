# nasbook quickstart: declare a TinyML search problem for a real board.
#   nasbook run examples/quickstart.nas
use "boards"

target = boards.nucleo_f746zg
print("target:", target.name, "-", target.core, "at", target.clock)

# What the optimizer may choose: architecture, training, per-layer compression.
space cnn {
  width  in [8, 16, 24, 32]
  depth  in 1..4
  lr     in 1e-3 ~ 1e-1 log
  epochs = 3
  prune  in 0.0 ~ 0.8 per layer
  bits   in [4, 8] per layer
}

objectives { maximize accuracy; minimize ram; minimize flash }

# Leave headroom on the board for the application around the model.
budget {
  ram   <= target.ram * 0.4
  flash <= target.flash / 2
}

show cnn
show objectives
show budget

# Budgets are values: tighten one and look again.
budget.ram = 64 KB
print("tightened RAM budget:", budget.ram, "of", target.ram)

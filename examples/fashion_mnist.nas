# Fashion-MNIST on an STM32F746 (NUCLEO-F746ZG): a real dataset, a real board.
#   sudo apt-get install dataset-fashion-mnist     (installs /usr/share/datasets/fashion-mnist)
#   nasbook run examples/fashion_mnist.nas          (about 8 minutes of 2-core CPU time)
# test: check only (too long for the test suite; the search itself is tested on small data)
use "boards"

target = boards.nucleo_f746zg
# 12,000 of the 60,000 training images keep each trial to seconds; 20% are held out for scoring.
data = take(dataset.fashion_mnist(), 12000, seed: 1)

space fashion {
  width    in [8, 16, 24, 32]
  depth    in 2..3
  lr       in 0.02 ~ 0.2 log
  epochs   = 3
  channels in 0.0 ~ 0.5
  prune    in 0.0 ~ 0.8 per layer
  bits     in [4, 6, 8] per layer
}

objectives { maximize accuracy; minimize ram; minimize flash; minimize latency }
# Half of the board's SRAM and a quarter of its flash stay with the application.
budget {
  ram   <= target.ram / 2
  flash <= target.flash / 4
}

s = search(fashion, data, target, strategy: ars_mobo, trials: 24, seed: 1)
show s
best = s.best(by: accuracy)
print("best: trial", best.trial, "with", round(best.accuracy, 3), "accuracy in int8,", round(value_in(best.ram, "KB"), 1), "KB RAM,",
      round(value_in(best.flash, "KB"), 1), "KB flash,", round(value_in(best.latency, "ms"), 2), "ms on the", target.core)

# The front was chosen on the held-out 20%; the 10,000 test images give the honest number.
show s.evaluate(dataset.fashion_mnist(split: "test"))

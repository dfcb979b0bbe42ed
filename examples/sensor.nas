# Activity recognition from accelerometer windows on a Cortex-M4F wearable.
#   nasbook run examples/sensor.nas
use "boards"

target = boards.nano33_ble
# Synthetic 3-axis windows of 64 steps, 6 activities; sequences get 1-D convolutions (cnn1d).
data = dataset.motion(count: 800, length: 64, seed: 4)

space har {
  width  in [4, 8, 16]
  depth  in 1..3
  kernel in [3, 5, 7]
  lr     in 0.03 ~ 0.3 log
  epochs = 4
  prune  in 0.0 ~ 0.7 per layer
  bits   in [4, 6, 8] per layer
}

# A wearable cares about energy: latency stands in for it.
objectives { maximize accuracy; minimize latency; minimize flash }
budget {
  ram      <= 8 KB
  flash    <= 16 KB
  latency  <= 8 ms
}

s = search(har, data, target, strategy: ars_mobo, trials: 10, seed: 3)
show s
print("hypervolume after each trial:", map(s.history, fn(h) = round(h, 3)))

# A stricter latency target: the front is re-filtered, nothing is retrained.
budget.latency = 2 ms

# What a network needs on a board, from its shape alone: no training.
#   nasbook run examples/cost.nas
use "boards"

target = boards.nucleo_f746zg
c = cost(resnet(), target)
show c
print("ResNet-8:", c.flash, "flash,", c.ram, "RAM,", c.latency, "on the", target.core)

# Lower bit-widths shrink flash; activations (RAM) stay int8.
print("with 4-bit weights:", cost(resnet(), target, bits: 4).flash)

# Budgets are checked the same way, before anything is trained.
budget { ram <= 16 KB; flash <= 32 KB; latency <= 50 ms }
for model in [dscnn(), dscnn(filters: 32), mobilenet(width: 0.5, blocks: 3)] {
  f = fits(model, boards.rpi_pico, budget)
  print(model, "on the Pico:", f.fits, f.violations)
}

# Compare the built-in target boards.
use "boards"

show boards.all

# Which boards can hold a 300 KB activation arena?
fn fits_arena(b, arena) = b.ram >= arena
roomy = filter(boards.all, fn(b) = fits_arena(b, 300 KB))
print("boards with at least 300 KB RAM:", len(roomy))
for b in roomy {
  print(" -", b.name, "(" + b.mcu + ")", b.ram)
}

# Cycles available per inference at 10 inferences per second.
for b in sort(boards.all, by: "clock", descending: true) {
  print(b.name + ":", round(value_in(b.clock, "Hz") / 10 / 1e6, 1), "M cycles per inference")
}

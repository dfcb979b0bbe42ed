# A tour of the .nas language.

# Numbers carry units: memory is binary (1 KB = 1024 B), k/M are decimal multipliers.
arena = 96 KB + 512 B
print(arena, "=", value_in(arena, "B"), "bytes")
print(2.5 M, "MACs")
print(216 MHz, "and", 12 ms)

# Strings, booleans, lists, records, ranges.
name = "tiny" + "net"
ok = arena < 128 KB and not (name == "")
widths = [8, 16, 32]
layer = { kind: "conv", filters: 16, kernel: 3 }
print(name, ok, widths, layer.kind, layer["filters"], len(1..10))

# Records and lists of records print as aligned tables.
show layer
show [{ width: 8, params: 1.2 k }, { width: 16, params: 4.6 k }, { width: 32, params: 18 k }]

# Functions: one-line or with a block; named arguments and defaults.
fn conv_params(cin, cout, k = 3) = cin * cout * k * k + cout
fn describe(w, depth = 1) {
  p = conv_params(3, w)
  return "width " + str(w) + ": " + str(p) + " params"
}
print(describe(16))
print(conv_params(cin: 8, cout: 8, k: 1))

# for loops and if/else.
total = 0
for w in widths {
  total += conv_params(3, w)
  if w >= 16 {
    print(w, "is wide")
  } else {
    print(w, "is narrow")
  }
}
print("total params:", total)

# Closures and higher-order builtins.
scale = 2
doubled = map(widths, fn(w) = w * scale)
print(doubled, sum(doubled), max(doubled), min(3, 1, 2))
print(sort([{ n: "b", v: 2 }, { n: "a", v: 1 }], by: "v"))

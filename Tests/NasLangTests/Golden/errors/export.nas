# The export statement: a format after `as`, then `to` and a path.
m = 1
export m as onnx to "m.onnx"
export m "out"
# `export(` stays a call (a runtime error here, never reached)
export(m, to: "out")

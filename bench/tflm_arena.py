"""TensorFlow Lite Micro's own arena for nasbook's .tflite exports, against the cost model.

    python tflm_arena.py MANIFEST        (MANIFEST: what `nasbook-bench tflm-models` wrote)

Each model is loaded by tflite-micro's Python interpreter (PyPI: tflite-micro; the reference
kernels, on this 64-bit host), invoked once, and its RecordingMicroAllocator report read:
the arena's head (the planned activation tensors and kernel scratch, TFLM's GreedyMemoryPlanner)
and tail (persistent structures: per-tensor and per-node records, kernels' per-channel data).
The table sets the head beside our plan of the same file's activation tensors
(TFLiteWriter.activationArena) and the whole arena beside the cost model's RAM (the C export's
arena: activation tensors plus im2col scratch).
"""
import json
import re
import subprocess
import sys


def probe(path):
    """In a child process: load, invoke, print TFLM's allocation report to stderr."""
    import numpy as np
    from tflite_micro import runtime

    interpreter = runtime.Interpreter.from_file(path, arena_size=8 << 20)
    details = interpreter.get_input_details(0)
    interpreter.set_input(np.zeros(details["shape"], dtype=np.int8), 0)
    interpreter.invoke()
    interpreter.print_allocations()


def allocations(path):
    """TFLM's report for one model: head, tail, total, and the tail's parts by kind."""
    child = subprocess.run([sys.executable, __file__, "--probe", path], capture_output=True, text=True)
    text = child.stdout + child.stderr
    if child.returncode != 0:
        raise RuntimeError(f"{path}: tflite-micro failed:\n{text}")
    report = {}
    for part in ("total", "head", "tail"):
        match = re.search(rf"Arena allocation {part} (\d+) bytes", text)
        if not match:
            raise RuntimeError(f"{path}: no '{part}' in TFLM's report:\n{text}")
        report[part] = int(match.group(1))
    report["parts"] = {
        name: (int(used), int(count))
        for name, used, count in re.findall(r"'([^']+)' used (\d+) bytes .*? for (\d+) ", text)
    }
    return report


def main(manifest_path):
    with open(manifest_path) as f:
        manifest = json.load(f)
    header = ("model", "TFLM head", "ours: .tflite plan", "head - plan", "TFLM tail", "TFLM total",
              "cost RAM (C arena)", "C tensors", "C scratch", "TFLM total - cost RAM")
    rows = []
    for m in manifest["models"]:
        r = allocations(m["tflite"])
        rows.append((m["name"], r["head"], m["tflite_plan"], r["head"] - m["tflite_plan"], r["tail"], r["total"],
                     m["ram"], m["tensor_arena"], m["ram"] - m["tensor_arena"], r["total"] - m["ram"]))
        m["tflm"] = r
    widths = [max(len(str(h)), *(len(str(row[i])) for row in rows)) for i, h in enumerate(header)]
    print("bytes; TFLM: tflite-micro's RecordingMicroAllocator report (reference kernels, 64-bit host)")
    print("  ".join(h.rjust(w) for h, w in zip(header, widths)))
    for row in rows:
        print("  ".join(str(v).rjust(w) for v, w in zip(row, widths)))
    print()
    print("TFLM tail by kind (bytes/allocations), 64-bit host:")
    for m in manifest["models"]:
        parts = ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in m["tflm"]["parts"].items() if v[0] > 0)
        print(f"  {m['name']}: {parts}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--probe":
        probe(sys.argv[2])
    elif len(sys.argv) == 2:
        main(sys.argv[1])
    else:
        sys.exit(__doc__)

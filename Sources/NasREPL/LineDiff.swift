/// A unified-style diff of two texts by lines, for showing how a replayed cell's output
/// differs from the recorded one. Lines are matched by a key (the masked line), shown as written.
public enum LineDiff {
    /// `---`/`+++` headers, then hunks with `context` unchanged lines around each change; empty
    /// when the keys all match.
    public static func unified(_ old: String, _ new: String, oldName: String = "recorded", newName: String = "replayed",
                               context: Int = 2, key: (String) -> String = { $0 }) -> [String] {
        let a = lines(old), b = lines(new)
        let ops = script(a.map(key), b.map(key))
        guard ops.contains(where: { $0.kind != .same }) else { return [] }
        var out = ["--- \(oldName)", "+++ \(newName)"]
        var i = 0
        while i < ops.count {
            guard ops[i].kind != .same else { i += 1; continue }
            // A hunk: this change, later ones within 2 * context lines, and context around them.
            let start = max(0, i - context)
            var end = i
            var j = i
            while j < ops.count {
                if ops[j].kind != .same { end = j }
                if j - end > 2 * context { break }
                j += 1
            }
            let stop = min(ops.count, end + context + 1)
            let hunk = ops[start..<stop]
            let oldStart = hunk.first.map { $0.oldIndex } ?? 0, newStart = hunk.first.map { $0.newIndex } ?? 0
            let oldCount = hunk.filter { $0.kind != .insert }.count, newCount = hunk.filter { $0.kind != .delete }.count
            out.append("@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@")
            for op in hunk {
                switch op.kind {
                case .same: out.append(" " + a[op.oldIndex])
                case .delete: out.append("-" + a[op.oldIndex])
                case .insert: out.append("+" + b[op.newIndex])
                }
            }
            i = stop
        }
        return out
    }

    struct Op {
        enum Kind { case same, delete, insert }
        let kind: Kind
        /// Position in the old text (for inserts: where the insertion happens), and in the new.
        let oldIndex: Int
        let newIndex: Int
    }

    /// The shortest edit script by longest common subsequence; outputs are a few hundred lines.
    static func script(_ a: [String], _ b: [String]) -> [Op] {
        let n = a.count, m = b.count
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var ops: [Op] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                ops.append(Op(kind: .same, oldIndex: i, newIndex: j)); i += 1; j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                ops.append(Op(kind: .delete, oldIndex: i, newIndex: j)); i += 1
            } else {
                ops.append(Op(kind: .insert, oldIndex: i, newIndex: j)); j += 1
            }
        }
        return ops
    }

    /// Lines without their newlines; a missing final newline shows as a note, as diff does.
    static func lines(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if parts.last == "" { parts.removeLast() } else { parts[parts.count - 1] += "  (no newline at end)" }
        return parts
    }

    /// Unified diff ranges: 1-based start and count, `start,count` (count 0 starts one line earlier).
    private static func range(_ start: Int, _ count: Int) -> String {
        count == 0 ? "\(start),0" : count == 1 ? "\(start + 1)" : "\(start + 1),\(count)"
    }
}

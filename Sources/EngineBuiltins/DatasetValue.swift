import NasCore
import NasData
import NasLang
import NasNN
import NasRender
import NasSearch


/// A dataset in the language: `data.count`, `data.shape`, `data.classes`; `show data` prints
/// its size, shape and class balance.
struct DatasetValue: NativeValue {
    let dataset: Dataset

    var typeName: String { "dataset" }
    var memberNames: [String] { ["name", "count", "shape", "classes"] }

    func member(_ name: String) -> Value? {
        switch name {
        case "name": return .string(dataset.name)
        case "count": return .number(Double(dataset.count))
        case "shape": return .list(dataset.sampleShape.map { .number(Double($0)) })
        case "classes": return .list(dataset.classNames.map { .string($0) })
        default: return nil
        }
    }

    var summary: String {
        "dataset \(dataset.name): \(dataset.count) samples of \(describe(shape: dataset.sampleShape)), \(dataset.classCount) classes"
    }

    func render() -> String {
        let counts = dataset.classCounts
        let rows = dataset.classNames.enumerated().map { index, name in
            [String(index), name, String(counts[index])]
        }
        return summary + "\n" + TextTable(columns: [.init("label", .right), .init("class"), .init("samples", .right)],
                                          rows: rows).render()
    }
}

extension Value {
    var dataset: Dataset? {
        if case .native(let n) = self, let d = n as? DatasetValue { return d.dataset }
        return nil
    }
}

extension BuiltinCall {
    func dataset(_ parameter: String) throws -> Dataset {
        guard let d = self[parameter].dataset else {
            throw error("\(name): '\(parameter)' must be a dataset, not \(self[parameter].typeName)", at: parameter,
                        hint: "make one with dataset.shapes(), dataset.motion() or a loader such as dataset.fashion_mnist()")
        }
        return d
    }
}

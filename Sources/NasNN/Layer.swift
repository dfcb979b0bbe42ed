/// One step of a network with an explicit forward and backward pass.
///
/// `forward` keeps what `backward` needs (inputs, masks, statistics) inside the layer, so a
/// model is trained by calling forward on each layer in order and backward in reverse.
/// Shapes include the batch: [N, H, W, C], [N, T, C] or [N, F].
public protocol Layer: AnyObject {
    /// The layer's kind as the summary prints it: "Conv2D", "BatchNorm", ...
    var kind: String { get }
    /// Per-sample output shape for a per-sample input shape; throws when the input does not fit.
    func outputShape(_ input: [Int]) throws -> [Int]
    func forward(_ x: Tensor, training: Bool) -> Tensor
    /// Adds parameter gradients into each parameter's `gradient` and returns dL/dx.
    func backward(_ dy: Tensor) -> Tensor
    /// Trainable parameters, including those of nested layers.
    var parameters: [Parameter] { get }
    /// Multiply-accumulates per sample for a per-sample input shape.
    func macs(_ input: [Int]) -> Int
    /// Layers inside this one (blocks), for summaries; empty for plain layers.
    var children: [Layer] { get }
    /// `children` with the names their paths use (`LayerPath`): "body.0", "reduce"; by default
    /// their indices.
    var namedChildren: [(name: String, layer: Layer)] { get }
    /// False on the first layer: skip computing dL/dx nobody needs.
    var needsInputGradient: Bool { get set }
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var children: [Layer] { [] }
    public var namedChildren: [(name: String, layer: Layer)] { children.enumerated().map { ("\($0.offset)", $0.element) } }
    public func macs(_ input: [Int]) -> Int { 0 }
}

/// A layer that can apply a following ReLU/ReLU6 in its own output pass (and its gradient in
/// its own backward pass), saving a read and write of the whole activation each way.
/// `Sequential` fuses when such a layer is directly followed by a ReLU or ReLU6.
public protocol ClampFusing: Layer {
    /// Forward with the output clamped to `clamp` (nil: as `forward`).
    func forward(_ x: Tensor, training: Bool, clamp: ClosedRange<Float>?) -> Tensor
}

extension Activation.Function {
    /// The clamp a ReLU or ReLU6 is; nil for the others.
    var clamp: ClosedRange<Float>? {
        switch self {
        case .relu: return 0...Float.infinity
        case .relu6: return 0...6
        default: return nil
        }
    }
}

/// A layer whose backward can apply the straight-through mask of a FakeQuant that quantized
/// its output, inside the pass it makes anyway for the gradient of its fused clamp (which
/// reads the same output): fine-tuning's fake-quant backward then costs no pass of its own.
/// `Sequential` does this for a FakeQuant right after such a layer (and its fused ReLU).
protocol StraightThroughFusing: ClampFusing {
    /// Whether the last training forward fused a clamp and so kept the output the mask is
    /// computed from.
    var keepsOutput: Bool { get }
    /// `backward(dy)` for a `dy` that still has to pass the FakeQuant's straight-through mask:
    /// zero where the output lay outside `inside` (its `straightThroughRange`).
    func backward(_ dy: Tensor, inside: ClosedRange<Float>) -> Tensor
}

/// A producer whose fused clamp a max pool right after it can apply in its own backward, so
/// the producer's separate pass of the clamp's gradient mask over its whole output goes away:
/// only the argmax positions receive gradient, and the mask there is the pooled value's.
protocol ClampMaskHandingOver: StraightThroughFusing {
    /// The clamp whose mask the last training forward kept its output for, given away with the
    /// output: the next backward takes its `dy` as already masked. Nil when it kept none.
    func takeClampMask() -> ClosedRange<Float>?
}

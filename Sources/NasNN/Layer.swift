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
    /// False on the first layer: skip computing dL/dx nobody needs.
    var needsInputGradient: Bool { get set }
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var children: [Layer] { [] }
    public func macs(_ input: [Int]) -> Int { 0 }
}

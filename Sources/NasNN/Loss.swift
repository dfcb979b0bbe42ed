import Foundation

/// Softmax cross-entropy over [N, classes] logits, averaged over the batch.
public enum SoftmaxCrossEntropy {
    /// The mean loss, the gradient with respect to the logits, and how many argmaxes were right.
    /// With label smoothing ε the target is (1 - ε) on the label and ε / classes everywhere:
    /// loss = -Σ_j target_j log p_j, gradient = p - target.
    public static func evaluate(logits: Tensor, labels: ArraySlice<Int32>, smoothing: Float = 0) -> (loss: Double, gradient: Tensor, correct: Int) {
        let n = logits.batch, k = logits.sampleSize
        var gradient = Tensor(zeros: logits.shape)
        var loss = 0.0, correct = 0
        let inverseN = 1 / Float(n)
        for i in 0..<n {
            let row = i * k
            var maxValue = -Float.infinity, best = 0
            for j in 0..<k where logits.data[row + j] > maxValue {
                maxValue = logits.data[row + j]
                best = j
            }
            var sum: Float = 0
            for j in 0..<k {
                let e = exp(logits.data[row + j] - maxValue)
                gradient.data[row + j] = e
                sum += e
            }
            let label = Int(labels[labels.startIndex + i])
            if best == label { correct += 1 }
            let logSum = log(sum)
            loss += Double((1 - smoothing) * (logSum - (logits.data[row + label] - maxValue)))
            let uniform = smoothing / Float(k)
            for j in 0..<k {
                if smoothing > 0 { loss += Double(uniform * (logSum - (logits.data[row + j] - maxValue))) }
                gradient.data[row + j] = (gradient.data[row + j] / sum - uniform) * inverseN
            }
            gradient.data[row + label] -= (1 - smoothing) * inverseN
        }
        return (loss / Double(n), gradient, correct)
    }
}

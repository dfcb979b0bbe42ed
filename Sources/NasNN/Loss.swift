import Foundation

/// Softmax cross-entropy over [N, classes] logits, averaged over the batch.
public enum SoftmaxCrossEntropy {
    /// The mean loss, the gradient with respect to the logits, and how many argmaxes were right.
    public static func evaluate(logits: Tensor, labels: ArraySlice<Int32>) -> (loss: Double, gradient: Tensor, correct: Int) {
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
            loss += Double(log(sum) - (logits.data[row + label] - maxValue))
            for j in 0..<k { gradient.data[row + j] = gradient.data[row + j] / sum * inverseN }
            gradient.data[row + label] -= inverseN
        }
        return (loss / Double(n), gradient, correct)
    }
}

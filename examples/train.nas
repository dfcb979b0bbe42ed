# Train a small CNN on built-in synthetic data and look at what was trained.
#   nasbook run examples/train.nas
data = dataset.shapes(count: 1000, size: 16, seed: 1)
print(data.count, "samples of", data.shape, "in", len(data.classes), "classes")

model = cnn(width: 16, depth: 3)
summary(model, data)

# 20% of the data is held out (stratified) for validation; the seed fixes everything.
r = train(model, data, epochs: 6, lr: 0.1, seed: 1)
print("validation accuracy:", round(r.accuracy, 3), "with", r.params, "parameters and", r.macs, "MACs")
show r.epochs

# Sensor windows train the same way, with 1-D convolutions.
motion = dataset.motion(count: 400, length: 64, seed: 2)
r1 = train(cnn1d(width: 16, depth: 2), motion, epochs: 6, seed: 1)
print("motion accuracy:", round(r1.accuracy, 3))

print(lr)
lr = 0.01

widht = 16
depth = 3
print(width * depth)
fn area(w, h) = w * hieght
print(lenn([1, 2]))

widths = [8, 16, 32]
print(widths[3])

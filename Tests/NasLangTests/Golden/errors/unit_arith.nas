arena = 64 KB
print(arena + 1)

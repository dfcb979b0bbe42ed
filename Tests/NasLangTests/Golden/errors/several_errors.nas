# check reports every error, not just the first
x = [1, 2
y = 3 +
objectives { maximize acuracy; minimise ram }
z = )

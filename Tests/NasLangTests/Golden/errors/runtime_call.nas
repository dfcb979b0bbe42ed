fn conv(cin, cout, k = 3) = cin * cout * k * k
print(conv(3, 8, kernel: 5))

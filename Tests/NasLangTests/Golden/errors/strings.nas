name = "unterminated
print('single')

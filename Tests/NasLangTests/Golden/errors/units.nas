budget { ram <= 128; flash <= 1 MB }

use "boards"
target = boards.nucleo_f764zg

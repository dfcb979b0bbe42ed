space s {
  lr in 0.0 ~ 0.1 log
}

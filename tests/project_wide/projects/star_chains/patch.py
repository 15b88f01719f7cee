import pkg

pkg.ACT = "tanh"

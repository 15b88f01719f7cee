ACT = "relu"

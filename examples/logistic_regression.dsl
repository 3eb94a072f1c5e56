# Logistic regression with a bias, trained by SGD on the log loss, learning rate 0.01.
# s1 arrives in Learn as sigmoid(w.x + b), so s0 - s1 is the negative log-loss gradient
# with respect to the logit.
# Memory: s2 learning rate, s3 bias, s4 scaled error, v1 weights, v2 correction.
def Setup():
  s2 = 0.01
def Predict():
  s1 = dot(v1, v0)
  s1 = s1 + s3
def Learn():
  s4 = s0 - s1
  s4 = s2 * s4
  v2 = s4 * v0
  v1 = v1 + v2
  s3 = s3 + s4

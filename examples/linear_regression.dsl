# Linear model of Google's AutoML-Zero (generator.cc, LINEAR_ALGORITHM), learning rate 0.01.
# On accuracy tasks the evaluator replaces s1 with sigmoid(s1) before Learn, so this update,
# w += lr * (y - p) * x, is in effect logistic regression without a bias.
# Memory: s2 learning rate, s3 scaled error, v1 weights, v2 correction.
def Setup():
  s2 = 0.01
def Predict():
  s1 = dot(v1, v0)
def Learn():
  s3 = s0 - s1
  s3 = s2 * s3
  v2 = s3 * v0
  v1 = v1 + v2

# The 2-layer neural network of Google's AutoML-Zero (generator.cc, NEURAL_NET_ALGORITHM):
# a ReLU hidden layer of width F, learning rate 0.01, weights initialized from N(0, 0.1),
# trained by SGD with backpropagation written out op by op, in the C++ code's order.
# Memory: s2 final bias, s3 learning rate, s4 scaled error; v1 hidden bias, v2 final weights,
# v3 pre-activation, v4 activation, v5 zeros, v6..v8 gradients; m0 first-layer weights,
# m1 its gradient.
def Setup():
  v2 = gaussian(0, 0.1, n_features)
  m0 = gaussian(0, 0.1, (n_features, n_features))
  s3 = 0.01
def Predict():
  v3 = dot(m0, v0)
  v3 = v3 + v1
  v4 = maximum(v3, v5)
  s1 = dot(v4, v2)
  s1 = s1 + s2
def Learn():
  s4 = s0 - s1
  s4 = s3 * s4
  s2 = s2 + s4
  v6 = s4 * v4
  v2 = v2 + v6
  v7 = s4 * v2
  v8 = heaviside(v3, 1.0)
  v7 = v8 * v7
  v1 = v1 + v7
  m1 = outer(v7, v0)
  m0 = m0 + m1

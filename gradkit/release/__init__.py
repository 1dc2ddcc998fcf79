"""Everything generated from solutions/: stubs, fixtures, the student release and nbgrader notebooks."""

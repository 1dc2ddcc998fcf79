"""nbgrader's OverwriteCells, without the false "checksum has changed" for cells with hidden tests.

``nbgrader generate_assignment`` stores a graded cell's checksum *with* its hidden-test block and then
releases the cell *without* it, so stock ``autograde`` warns "Attribute 'checksum' for cell ... has
changed!" for every graded cell of every student, touched or not (nbgrader issue #1961): the warning
that should reveal a tampered cell says nothing. Here a submitted cell equal to what was released is
first given its stored source back (hidden tests included), so only a cell a student changed is reported,
and it is then restored as before. ``nbgrader_config.py`` of the course puts this class in place of
``OverwriteCells``; it is imported only there, where nbgrader is installed.
"""

from __future__ import annotations

import copy

from nbgrader import utils
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, OverwriteCells


class OverwriteCellsKeepingHiddenTests(OverwriteCells):
    """OverwriteCells that tells an untouched released grade cell from a changed one."""

    def released_source(self, source: str, cell) -> str:
        """``source`` as ``generate_assignment`` released it: hidden-test blocks removed, same delimiters."""
        released = copy.deepcopy(cell)
        released.source = source
        ClearHiddenTests(config=self.config)._remove_hidden_test_region(released)
        return released.source

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None and utils.is_grade(cell):
            try:
                source_cell = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
            except MissingEntry:
                source_cell = None
            if (source_cell is not None and source_cell.locked and cell.source != source_cell.source
                    and cell.source == self.released_source(source_cell.source, cell)):
                cell.source = source_cell.source  # untouched: the hidden tests come back, no warning
        return super().preprocess_cell(cell, resources, cell_index)

"""The one exception type the command line turns into a short message."""


class UserError(Exception):
    """An expected failure (missing file, bad option) reported as one line, without a traceback."""

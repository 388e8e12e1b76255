"""Errors a user can fix, and the exit codes the CLI and the stage scripts give them.

Kept free of heavy imports: entry points import it before anything else.
"""

BAD_PARAMS = 2  # params.yaml failed validation: nothing was run or written
BAD_INPUT = 3  # a data file, asset or bundle is missing or malformed


class InputError(Exception):
    """A data file, asset or bundle is missing or malformed; the message says how to fix it."""

"""Errors a user can fix, and the exit codes the CLI and the stage scripts give them.

Kept free of heavy imports: entry points import it before anything else.
"""

BAD_PARAMS = 2  # params.yaml, or the code it names, failed validation: nothing was run or written
BAD_INPUT = 3  # a data file, asset or bundle is missing or malformed


class InputError(Exception):
    """A data file, asset or bundle is missing or malformed; the message says how to fix it."""


class ServiceError(Exception):
    """A service a stage or model needs (a graph database server) is down or refuses the
    credentials; the message says which and what to check. Stages exit 2, the web answers 503."""


class CodeError(Exception):
    """A task's own code (``task.code``, an installed plug-in, or what a bundle needs) is missing
    or fails to import. ``module`` names it (a file relative to its task, or a module name)."""

    def __init__(self, message: str, module: str) -> None:
        super().__init__(message)
        self.module = module

"""mtf_lib: the component library behind mtf task pipelines.

Kept import-light: torch and friends are imported by the modules that need them, so CLI
entry points start fast.
"""

__version__ = "0.1.0"

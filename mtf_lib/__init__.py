"""mtf_lib: the component library behind mtf task pipelines.

Kept import-light: torch and friends are imported by the modules that need them, so CLI
entry points start fast. The version is the package's (``importlib.metadata.version("mtf")``).
"""

"""On PYTHONPATH for traced test runs only: at exit, append the mtf_lib modules this process
loaded (lazy imports included) and its command line to the file named by MTF_TRACE_IMPORTS."""

import atexit
import json
import os
import sys


def _record() -> None:
    modules = sorted(name for name in sys.modules if name == "mtf_lib" or name.startswith("mtf_lib."))
    with open(os.environ["MTF_TRACE_IMPORTS"], "a", encoding="utf-8") as log:
        log.write(json.dumps({"argv": sys.argv, "modules": modules}) + "\n")


if os.environ.get("MTF_TRACE_IMPORTS"):
    atexit.register(_record)

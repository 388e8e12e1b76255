"""Shared entry point of stage scripts: arguments, params validation, exit codes.

Import-light on purpose: ``python stages/<stage>.py --help`` must not pay for torch.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from mtf_lib.errors import BAD_INPUT, BAD_PARAMS, InputError


def run_stage(
    run: Callable[[Any, argparse.Namespace], None],
    description: str | None,
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
    argv: list[str] | None = None,
) -> None:
    """Parse arguments, load and validate ``--params`` (exit 2 on any problem), then ``run``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--params", default="params.yaml", help="params file (default: params.yaml)")
    if add_arguments:
        add_arguments(parser)
    args = parser.parse_args(argv)

    from mtf_lib.config import ParamsError
    from mtf_lib.params import load_params

    try:
        params = load_params(args.params)
    except ParamsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(BAD_PARAMS)
    try:
        run(params, args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(BAD_INPUT)

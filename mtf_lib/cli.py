"""The ``mtf`` command: fetch data sets, check params, list registered components.

Heavy imports happen inside the sub-commands, so ``mtf --help`` answers at once.
"""

from __future__ import annotations

import argparse
import sys

from mtf_lib.errors import BAD_INPUT, BAD_PARAMS, InputError


def _check(args: argparse.Namespace) -> int:
    from mtf_lib.config import ParamsError
    from mtf_lib.params import load_params

    try:
        params = load_params(args.params)
    except ParamsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return BAD_PARAMS
    print(f"{args.params}: OK ({params.task.type} task {params.task.name!r})")
    return 0


def _components(args: argparse.Namespace) -> int:
    from mtf_lib import registry

    kinds = [args.kind] if args.kind else list(registry.ALL)
    for kind in kinds:
        reg = registry.ALL[kind]
        print(f"{reg.plural}:")
        for name in reg.names():
            doc = (reg.get(name).__doc__ or "").strip().splitlines()
            print(f"  {name:28} {doc[0] if doc else ''}")
    return 0


def _fetch(args: argparse.Namespace) -> int:
    from mtf_lib.assets import DATASETS, fetch_dataset

    names = args.datasets or sorted(DATASETS)
    for name in names:
        for path in fetch_dataset(name, args.out):
            print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mtf", description="mtf: reproducible NLP task pipelines.")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="validate a params.yaml without running anything")
    check.add_argument("params", nargs="?", default="params.yaml")
    check.set_defaults(func=_check)

    from mtf_lib.registry import ALL, ALL_KINDS

    kind_names = {**{reg.plural: kind for kind, reg in ALL.items()}, **{kind: kind for kind in ALL_KINDS}}
    components = sub.add_parser("components", help="list the registered components")
    components.add_argument(
        "kind",
        nargs="?",
        type=lambda name: kind_names.get(name, name),  # "models" as the listing heads it, or "model"
        choices=ALL_KINDS,
        help="only this kind",
    )
    components.set_defaults(func=_components)

    fetch = sub.add_parser("fetch", help="download data sets (or copy them from $MTF_DATA_MIRROR)")
    fetch.add_argument("datasets", nargs="*", help="data set names (default: all known)")
    fetch.add_argument("--out", default="resources/datasets")
    fetch.set_defaults(func=_fetch)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())

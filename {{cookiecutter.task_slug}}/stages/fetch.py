"""Fetch stage: place the task's data set under resources/datasets (from MTF_DATA_MIRROR or its URL)."""

from mtf_lib.stage import run_stage


def fetch(params, args) -> None:  # noqa: ANN001
    from mtf_lib.assets import fetch_dataset

    if params.fetch.dataset:
        fetch_dataset(params.fetch.dataset, args.out)


if __name__ == "__main__":
    run_stage(fetch, __doc__, lambda p: p.add_argument("--out", default="resources/datasets"))

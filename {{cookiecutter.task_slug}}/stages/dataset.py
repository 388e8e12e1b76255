"""Dataset stage: vocabularies built on train, every split encoded to arrays under data/dataset."""

from pathlib import Path

from mtf_lib.stage import run_stage


def dataset(params, args) -> None:  # noqa: ANN001
    from mtf_lib.tasks import task_module

    sizes = task_module(params.task.type, "dataset").build_dataset(params.dataset, Path(args.input), Path(args.out))
    print(f"vocabulary sizes: {sizes}")


def arguments(parser) -> None:  # noqa: ANN001
    parser.add_argument("--input", default="data/preprocessed")
    parser.add_argument("--out", default="data/dataset")


if __name__ == "__main__":
    run_stage(dataset, __doc__, arguments)

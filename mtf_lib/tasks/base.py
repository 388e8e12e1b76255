"""The contract of a task type: what mtf needs to validate, run, serve and scaffold its tasks.

A task type is registered under its name (``task.type`` in params.yaml)::

    registry.task_types.register("tagging", TaskType(name="tagging", ...))

Its parts are import paths (``"module:attribute"``) or the objects themselves, so that loading
the registry of task types imports nothing heavy; each part is imported when first used.

- ``params``: the params schema (a pydantic model with one attribute per stage group; its
  ``task`` group is ``mtf_lib.tasks.sections.TaskParams``).
- ``stages``: stage name → function ``(params, paths: StagePaths) -> dict`` (a summary the stage
  script prints); each takes the whole validated params. ``fetch`` and ``crawl`` are shared by every
  task type.
- ``predictor``: the ``mtf_lib.inference.Predictor`` subclass that serves its bundles.
- ``api``: its web description (``mtf_lib.tasks.api.ApiSpec``): request and result models, how a
  request runs through the predictor, the demo page's templates.
- ``components``: modules that register its models, losses, metrics and readers; imported when
  a task of this type is loaded.
- ``template``: what the task template generates for it (``mtf_lib.tasks.template.TaskTemplate``:
  sample params, README part, sample data, its own questions); None: the template does not offer it.
- ``pipeline``: its declared stages, ``(params) -> list[mtf_lib.pipeline.declare.StageDecl]``:
  what each stage of a task with these params reads and writes, from which ``mtf pipeline``
  writes the task's dvc.yaml. Default: preprocess → dataset → train → evaluate
  (``mtf_lib.pipeline.standard.trained_model_pipeline``), after fetch/crawl where params ask.
- ``errors``: optional, its error analysis of one split, ``(records, outputs, limit) -> dict``,
  which its evaluate stage writes through ``mtf_lib.tasks.error_analysis.write_error_analysis``
  (metrics/errors.json); the page that shows it is ``ApiSpec.errors_page``. None: the type has
  none, and the web app's errors page says so.

The evaluate stage of every type also writes the model card (``mtf_lib.tasks.model_card``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mtf_lib.layout import StagePaths

Stage = Callable[[Any, StagePaths], dict[str, Any]]
COMMON_STAGES: Mapping[str, str] = {
    "fetch": "mtf_lib.assets:fetch_stage",
    "crawl": "mtf_lib.crawl.stage:crawl_stage",
}


def resolve(ref: Any) -> Any:
    """``"module:attribute"`` → the attribute (imported); any other value as it is."""
    if not isinstance(ref, str):
        return ref
    module, _, attribute = ref.partition(":")
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True)
class TaskType:
    name: str
    description: str
    params: Any
    stages: Mapping[str, Any]
    predictor: Any
    api: Any = None
    components: tuple[str, ...] = ()
    template: Any = None
    errors: Any = None
    pipeline: Any = "mtf_lib.pipeline.standard:trained_model_pipeline"

    def schema(self) -> Any:
        return resolve(self.params)

    def stage(self, name: str) -> Stage:
        """The function of stage ``name``; KeyError naming the stages this type has."""
        refs = {**COMMON_STAGES, **self.stages}
        if name not in refs:
            raise KeyError(f"task type {self.name!r} has no stage {name!r}; its stages: {', '.join(refs)}")
        return resolve(refs[name])

    def pipeline_stages(self, params: Any) -> list[Any]:
        """The stages a task with ``params`` has, in order (``StageDecl``); ValueError naming a
        declared stage this type has no function for."""
        stages = resolve(self.pipeline)(params)
        unknown = [stage.name for stage in stages if stage.name not in {**COMMON_STAGES, **self.stages}]
        if unknown:
            raise ValueError(f"task type {self.name!r} declares stages it has no function for: {', '.join(unknown)}")
        return stages

    def predictor_class(self) -> Any:
        return resolve(self.predictor)

    def api_spec(self) -> Any:
        return resolve(self.api)

    def template_spec(self) -> Any:
        """Its ``TaskTemplate``; LookupError when the template does not offer this type."""
        if self.template is None:
            raise LookupError(f"task type {self.name!r} has no template: write its params.yaml by hand")
        return resolve(self.template)

    def error_analysis(self) -> Any:
        """Its error analysis function; None when it has none."""
        return None if self.errors is None else resolve(self.errors)

    def load_components(self) -> None:
        for module in self.components:
            importlib.import_module(module)

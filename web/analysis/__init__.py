"""Error analysis and the model card of each trained task: pages and JSON.

Both are read from files the evaluate stage wrote (``metrics/errors.json``,
``metrics/model_card.md``), never computed at page time. Each task type shows its analysis with
its own page (``ApiSpec.errors_page``); nothing here names a task type.
"""

from web.analysis.api import analysis_api
from web.analysis.pages import analysis_pages

__all__ = ["analysis_api", "analysis_pages"]

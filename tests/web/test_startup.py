"""The web app starts without torch and serves models without importing training code."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO
from tests.web.project import WebProject

PROBE = """
import sys
from web import create_app
app = create_app(root=sys.argv[1])
assert "torch" not in sys.modules, "create_app imported torch"
response = app.test_client().post("/api/v1/flagship/ner/predict", json={"texts": ["张伟"]})
assert response.status_code == 200, response.get_data(as_text=True)
training = sorted(m for m in sys.modules if m.startswith(("mtf_lib.training", "mtf_lib.tasks.tagging.train")))
assert not training, training
assert "transformers" not in sys.modules, "serving a BiLSTM model imported transformers"
print("ok")
"""


def test_start_up_is_torch_free_and_serving_imports_no_training_code(web_project: WebProject) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(web_project.root)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"

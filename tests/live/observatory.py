"""Grading pages with Mozilla's HTTP Observatory (the npm package in tests/observatory/)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

OBSERVATORY = Path(__file__).resolve().parent.parent / "observatory"


def observatory_grade(site, targets):
    """Grade targets ({name, url, cookie?}) with the Observatory package; returns its JSON results."""
    node = shutil.which("node")
    assert node, "node is required for the Observatory grading (bin/test installs it)"
    result = subprocess.run(
        [node, str(OBSERVATORY / "grade.mjs")], input=json.dumps(targets), capture_output=True, text=True,
        cwd=OBSERVATORY, env={**os.environ, "NODE_EXTRA_CA_CERTS": str(site.cert)}, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)

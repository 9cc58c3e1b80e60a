"""Suite wall times: the template's whole suite (bin/test) and one baked project's own suite.

    python benchmarks/suites.py

Run from an environment where requirements-test.txt is installed (bin/test creates one in .venv).
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command, cwd):
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)  # noqa: S603  (fixed argv)
    elapsed = time.perf_counter() - start
    last = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-300:]
    return elapsed, result.returncode, last


def main():
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "cookiecutter", str(ROOT), "--no-input", "-o", out], check=True, capture_output=True
        )
        project = next(Path(out).iterdir())
        seconds, code, last = timed([sys.executable, "-m", "pytest", "-q"], project)
        print(f"generated suite (pytest -q)   {seconds:6.2f} s  exit {code}  {last}")
    seconds, code, last = timed([str(ROOT / "bin" / "test"), "-q"], ROOT)
    print(f"template suite (bin/test -q)  {seconds:6.2f} s  exit {code}  {last}")


if __name__ == "__main__":
    main()

"""Bake time: median wall time of default bakes, beside its floor and a plain copy.

    python benchmarks/bake.py [--runs 5]

Floor: starting Python and importing cookiecutter, which every bake pays. Copy: `cp -r` of the
template directory, the cost of writing the files without rendering anything.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wall(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603  (fixed argv)
    return time.perf_counter() - start


def median_of(runs, make_command):
    times = []
    for index in range(runs):
        with tempfile.TemporaryDirectory() as out:
            times.append(wall(make_command(Path(out), index)))
    return statistics.median(times), times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs

    floor, _ = median_of(runs, lambda out, i: [sys.executable, "-c", "import cookiecutter.main"])
    copy, _ = median_of(runs, lambda out, i: ["cp", "-r", str(ROOT / "{{cookiecutter.__project_dir}}"), str(out)])
    bake, samples = median_of(
        runs, lambda out, i: [sys.executable, "-m", "cookiecutter", str(ROOT), "--no-input", "-o", str(out)]
    )
    with tempfile.TemporaryDirectory() as out:
        wall([sys.executable, "-m", "cookiecutter", str(ROOT), "--no-input", "-o", out])
        files = sum(1 for path in Path(out).rglob("*") if path.is_file())

    print(f"default bake   median {bake:.3f} s over {runs} runs ({', '.join(f'{t:.3f}' for t in samples)})")
    print(f"floor (import) median {floor:.3f} s")
    print(f"cp -r template median {copy:.3f} s")
    print(f"files generated       {files}")


if __name__ == "__main__":
    main()

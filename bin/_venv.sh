# Sourced by bin/test and bin/demo: use the active virtual environment, or create .venv, and
# install the template's locked test requirements (which include the generated project's lock; bin/lock
# regenerates both). --require-hashes: pip refuses any file whose sha256 is not the one recorded.
if [ -n "${VIRTUAL_ENV:-}" ]; then
  PYTHON="$VIRTUAL_ENV/bin/python"
else
  [ -x .venv/bin/python ] || python3 -m venv .venv
  PYTHON="$PWD/.venv/bin/python"
  export VIRTUAL_ENV="$PWD/.venv"
fi
"$PYTHON" -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-test.txt

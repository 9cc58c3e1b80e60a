# Sourced by bin/serve, bin/test and bin/lock: use the active virtual environment, or create .venv,
# and install the locked requirements (a no-op when they are already installed). --require-hashes:
# pip refuses any file whose sha256 is not the one recorded in requirements/*.txt.
if [ -n "${VIRTUAL_ENV:-}" ]; then
  PYTHON="$VIRTUAL_ENV/bin/python"
else
  [ -x .venv/bin/python ] || python3 -m venv .venv
  PYTHON=.venv/bin/python
fi
requirements=(-r requirements/test.txt)
[ -f requirements/postgresql.txt ] && requirements+=(-r requirements/postgresql.txt)
"$PYTHON" -m pip install --quiet --disable-pip-version-check --require-hashes "${requirements[@]}"

# Sourced by bin/serve and bin/test: use the active virtual environment, or create .venv,
# and install the pinned requirements (a no-op when they are already installed).
if [ -n "${VIRTUAL_ENV:-}" ]; then
  PYTHON="$VIRTUAL_ENV/bin/python"
else
  [ -x .venv/bin/python ] || python3 -m venv .venv
  PYTHON=.venv/bin/python
fi
requirements=(-r requirements/test.txt)
[ -f requirements/postgresql.txt ] && requirements+=(-r requirements/postgresql.txt)
"$PYTHON" -m pip install --quiet --disable-pip-version-check "${requirements[@]}"

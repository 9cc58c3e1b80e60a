"""The README's first command, for real: bin/demo bakes the defaults and serves them on SQLite."""

import os
import signal
import subprocess
import time
import urllib.request

from bakery import ROOT
from live.processes import free_port


def test_demo_bakes_and_serves_the_site(tmp_path):
    port = free_port()
    env = {**os.environ, "DEMO_DIR": str(tmp_path / "demo"), "PORT": str(port)}
    log = (tmp_path / "demo.log").open("wb")
    demo = subprocess.Popen(
        [str(ROOT / "bin" / "demo")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # runserver's autoreloader child goes with it when the group is stopped
    )  # fmt: skip
    try:
        deadline, response = time.monotonic() + 120, None
        while time.monotonic() < deadline and response is None:
            assert demo.poll() is None, (tmp_path / "demo.log").read_text(errors="replace")
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5)
            except OSError:
                time.sleep(0.5)
        assert response is not None, "the demo site never answered"
        assert response.status == 200
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert b"csrfmiddlewaretoken" in response.read()
        assert (tmp_path / "demo" / "my_secure_site" / "db.sqlite3").is_file()  # migrated, on SQLite
    finally:
        os.killpg(demo.pid, signal.SIGTERM)  # the group this test started, by its leader's PID
        demo.wait(timeout=30)
        log.close()

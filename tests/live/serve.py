"""Bake a project and serve it for real: two TLS gunicorns with production settings (two "hosts"
sharing the database and one real redis-server on a Unix socket), on a certificate made here and thrown away after."""

import os
import shutil
import tempfile
from pathlib import Path

from bakery import bake, read_env

from live.accounts import PASSWORD, add_sample_data
from live.certificate import make_certificate
from live.processes import free_port, start_gunicorn, start_redis, stop
from live.site import LiveSite

PROJECT_FILES = Path(__file__).resolve().parent / "project_files"
INSTALLED = {  # test-only files copied into the bake: (source in project_files/, destination in the project)
    "settings.py": "config/settings/live_test.py",
    "urls.py": "config/live_test_urls.py",
}


def serve(tmp_path):
    """Bake, prepare and serve a project; yields a LiveSite and stops everything afterwards."""
    project = bake(tmp_path / "bake")
    for source, destination in INSTALLED.items():
        shutil.copyfile(PROJECT_FILES / source, project / destination)
    cert, key, spki = make_certificate(tmp_path)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    processes = []
    log_path = tmp_path / "gunicorn.log"
    # Redis on a Unix socket, as deploy/systemd reaches it: no TCP port, no password. Its directory
    # is open to every account, so only the socket's own mode keeps the others out.
    sockets = Path(tempfile.mkdtemp(prefix="secure-django-redis-", dir="/tmp"))
    sockets.chmod(0o755)
    redis_socket = sockets / "redis.sock"
    try:
        redis, _ = start_redis(tmp_path, unix_socket=redis_socket)
        processes.append(redis)
        site_port, second_host_port = free_port(), free_port()
        env = {
            **os.environ,
            **read_env(project / ".env"),
            "DJANGO_SETTINGS_MODULE": "config.settings.live_test",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",  # localhost: a valid WebAuthn RP ID
            "DJANGO_SITE_URL": f"https://127.0.0.1:{site_port}",  # links in the mails lead to the live site
            "REDIS_URL": f"unix://{redis_socket}?db=0",
            "LIVE_TEST_MAIL_DIR": str(mail_dir),
        }
        site = LiveSite(
            project=project,
            base_url=f"https://127.0.0.1:{site_port}/",
            cert=cert,
            spki=spki,
            admin_url=env["DJANGO_ADMIN_URL"],
            user_email="admin@example.com",
            mail_dir=mail_dir,
            log=log_path,
            app_ports=[site_port, second_host_port],
            env={**env, "DJANGO_SUPERUSER_EMAIL": "admin@example.com", "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        )
        site.manage("migrate", "--no-input")
        site.manage("collectstatic", "--no-input")
        site.manage("createsuperuser", "--no-input")
        add_sample_data(site)
        with log_path.open("ab") as log:
            for port in site.app_ports:
                processes.append(start_gunicorn(project, env, port, log, cert, key))
        yield site
    finally:
        for process in reversed(processes):
            stop(process)
        shutil.rmtree(sockets, ignore_errors=True)

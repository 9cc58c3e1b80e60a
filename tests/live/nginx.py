"""nginx as the live tests run it: the main nginx.conf, and the shipped site configuration (deploy/nginx/site.conf)
served on loopback ports with throwaway certificates, in front of gunicorn from the shipped deploy/gunicorn.conf.py.

Only addresses, ports, certificates and the ACME webroot are changed (the site also answers on the catch-all's
port, as both share 443 in production, and has an RSA certificate beside its ECDSA one so that RSA suites can be
probed); every other line is the shipped one.
"""

import json
import shutil
import subprocess
import sys

from live.processes import free_port, stop, wait_for_port

NGINX_MAIN_CONF = """\
user root;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    {http}
}}
"""


def nginx_main_conf(tmp, http):
    """A main nginx.conf that keeps every file nginx writes under tmp, with `http` inside its http block."""
    return NGINX_MAIN_CONF.format(tmp=tmp, http=http)


def localise(site_conf, ports, cert, key, rsa, domain, webroot):
    """The shipped server blocks on loopback ports, with the test's certificates."""
    replacements = {
        "listen 80 default_server;": f"listen 127.0.0.1:{ports['unknown_http']} default_server;",
        "listen 443 ssl default_server;": f"listen 127.0.0.1:{ports['unknown_https']} ssl default_server;",
        "listen 80;": f"listen 127.0.0.1:{ports['http']};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{ports['https']} ssl http2;\n"
        f"    listen 127.0.0.1:{ports['unknown_https']} ssl http2;",
        f"/etc/letsencrypt/live/{domain}/fullchain.pem": str(cert),
        f"/etc/letsencrypt/live/{domain}/privkey.pem;": f"{key};\n    ssl_certificate {rsa[0]};\n"
        f"    ssl_certificate_key {rsa[1]};",
        f"server_name {domain};": "server_name 127.0.0.1 localhost;",
        "root /var/www/letsencrypt;": f"root {webroot};",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{ports['app']};",
    }
    for shipped, local in replacements.items():
        assert shipped in site_conf, f"the shipped configuration no longer has {shipped!r}"
        site_conf = site_conf.replace(shipped, local)
    return "\n".join(line for line in site_conf.splitlines() if "listen [::]" not in line)


def serve_nginx(live_site, tmp):
    """The shipped site configuration (localised) in nginx, in front of gunicorn started from the shipped
    deploy/gunicorn.conf.py with the live settings; yields what the tests read, and stops both after."""
    project = live_site.project
    ports = {name: free_port() for name in ("app", "http", "https", "unknown_http", "unknown_https")}
    domain = json.loads((project / ".cookiecutter.json").read_text())["domain_name"]
    shipped = (project / "deploy" / "nginx" / "site.conf").read_text()
    rsa = tmp / "rsa-cert.pem", tmp / "rsa-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(rsa[1]), "-out", str(rsa[0]),
         "-days", "2", "-subj", "/CN=localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    (tmp / "site.conf").write_text(
        localise(
            shipped, ports, live_site.cert, live_site.cert.with_name("key.pem"), rsa, domain, tmp / "acme"
        ).replace("/var/log/nginx/access.log", str(tmp / "access.log"))
    )
    (tmp / "nginx.conf").write_text(nginx_main_conf(tmp, f"include {tmp}/site.conf;"))
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
    check = subprocess.run(
        [nginx_bin, "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")], capture_output=True, text=True
    )
    env = {
        **live_site.env,
        "DJANGO_SETTINGS_MODULE": "config.settings.live_test",
        "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
        "GUNICORN_BIND": f"127.0.0.1:{ports['app']}",
        "GUNICORN_WORKERS": "2",
    }
    with (tmp / "gunicorn.log").open("wb") as log:
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
            cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = None
    try:
        wait_for_port(ports["app"], gunicorn)
        server = subprocess.Popen([nginx_bin, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"])
        wait_for_port(ports["https"], server)
        yield {"ports": ports, "check": check, "tmp": tmp, "site": live_site, "shipped": shipped, "domain": domain}
    finally:
        if server:
            stop(server)
        stop(gunicorn)

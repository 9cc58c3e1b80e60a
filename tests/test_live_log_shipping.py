"""Tier 3: the shipped log forwarding. systemd-journal-upload, configured by the shipped
deploy/systemd/journal-upload.conf, sends the application's log lines as journald keeps them to the
shipped collector (deploy/nginx/journal-collector.conf: Debian's nginx in front of Debian's
systemd-journal-remote) over HTTPS with a certificate at both ends.

Only addresses and certificate paths are changed for the test, and the certificates are throwaway
ones made here. systemd-journal-upload reads its configuration from fixed paths only, so it runs in a
private mount namespace where a temporary directory stands in for /etc/systemd. There is no journald
here: the host's journal is a journal file written by systemd-journal-remote from the live site's
real log (what gunicorn writes to stdout, which journald keeps under systemd). Every process binds
to 127.0.0.1 and is stopped by its PID.
"""

import contextlib
import json
import os
import shutil
import struct
import subprocess
import time
import urllib.error
import uuid

import pytest
from live.nginx import nginx_main_conf
from live.processes import free_port, stop, wait_for_port

pytestmark = pytest.mark.live

SYSTEMD = "/lib/systemd"  # where Debian installs the two programs; they are not on PATH



def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


def certificate_authority(tmp, name):
    """A throwaway CA; returns a function issuing (certificate, key) pairs signed by it."""
    ca, ca_key = tmp / f"{name}-ca.pem", tmp / f"{name}-ca.key"
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", str(ca_key), "-out", str(ca), "-days", "2", "-subj", f"/CN={name} log CA")  # fmt: skip

    def issue(common_name, extension=""):
        cert, key, csr, ext = (tmp / f"{name}-{common_name}.{suffix}" for suffix in ("pem", "key", "csr", "ext"))
        ext.write_text(extension)
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", str(key), "-out", str(csr), "-subj", f"/CN={common_name}")  # fmt: skip
        openssl("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial",
                "-out", str(cert), "-days", "2", "-extfile", str(ext))  # fmt: skip
        return cert, key

    issue.ca = ca
    return issue


def replace_all(text, replacements):
    for shipped, local in replacements.items():
        assert shipped in text, f"the shipped configuration no longer has {shipped!r}"
        text = text.replace(shipped, local)
    return text


def journal_export(entries):
    """Entries (dicts of field -> str) in the journal export format; every field but the timestamp in its
    binary form, so that any byte survives."""
    out = bytearray()
    for fields in entries:
        for name, value in fields.items():
            data = value.encode()
            if name.startswith("__"):
                out += f"{name}={value}\n".encode()
            else:
                out += name.encode() + b"\n" + struct.pack("<Q", len(data)) + data + b"\n"
        out += b"\n"
    return bytes(out)


def read_journal(path):
    result = subprocess.run(["journalctl", f"--file={path}", "-o", "json", "--no-pager"],
                            capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_the_application_log_reaches_the_collector_only_over_mutual_tls(live_site, tmp_path):
    project = live_site.project
    domain = json.loads((project / ".cookiecutter.json").read_text())["domain_name"]
    slug = project.name

    # A security event of the live site, under production settings: a failed sign-in.
    def failed_logins():
        return sum(event["event"] == "login.failed" for event in live_site.security_events())

    before = failed_logins()
    marker = f"nobody-{uuid.uuid4().hex}@example.com"
    _, submit = live_site.form_client()
    with contextlib.suppress(urllib.error.HTTPError):  # the refusal's status is not what this test is about
        submit("/accounts/login/", {"login": marker, "password": "not the password"}).read()
    deadline = time.monotonic() + 10
    while failed_logins() == before:
        assert time.monotonic() < deadline, "the failed sign-in was not logged"
        time.sleep(0.2)
    lines = [line for line in live_site.log_text().splitlines() if line]
    events = [line for line in lines if line.startswith("{") and "event" in json.loads(line)]
    assert any(json.loads(line)["event"] == "login.failed" for line in events)

    # The host's journal, as journald would hold the service's stdout.
    start = time.time_ns() // 1000
    host_journal = tmp_path / "host.journal"
    entries = [
        {"__REALTIME_TIMESTAMP": str(start + i), "MESSAGE": line, "SYSLOG_IDENTIFIER": "gunicorn",
         "_SYSTEMD_UNIT": f"{slug}.service", "_TRANSPORT": "stdout"}
        for i, line in enumerate(lines)
    ]  # fmt: skip
    subprocess.run([f"{SYSTEMD}/systemd-journal-remote", f"--output={host_journal}", "-"],
                   input=journal_export(entries), capture_output=True, timeout=60, check=True)  # fmt: skip
    assert [entry["MESSAGE"] for entry in read_journal(host_journal)] == lines

    # Certificates: the log CA signs the collector's and the host's; another CA signs an impostor's.
    log_ca, other_ca = certificate_authority(tmp_path, "log"), certificate_authority(tmp_path, "other")
    collector_cert = log_ca("collector", "subjectAltName=IP:127.0.0.1\n")
    host_cert = log_ca("host")
    impostor_cert = other_ca("collector", "subjectAltName=IP:127.0.0.1\n")
    stranger_cert = other_ca("host")

    # The collector: the shipped nginx server block twice, once with the collector's certificate and
    # once with an impostor's, both passing uploads to one systemd-journal-remote.
    ports = {name: free_port() for name in ("remote", "collector", "impostor")}
    received = tmp_path / "received.journal"
    shipped_collector = (project / "deploy" / "nginx" / "journal-collector.conf").read_text()

    def server_block(port, cert):
        block = replace_all(shipped_collector, {
            "listen 19532 ssl;": f"listen 127.0.0.1:{port} ssl;",
            f"server_name logs.{domain};": "server_name 127.0.0.1;",
            "/etc/ssl/certs/journal-collector.pem": str(cert[0]),
            "/etc/ssl/private/journal-collector.key": str(cert[1]),
            "/etc/ssl/certs/journal-clients-ca.pem": str(log_ca.ca),
            "proxy_pass http://127.0.0.1:19533;": f"proxy_pass http://127.0.0.1:{ports['remote']};",
        })  # fmt: skip
        return "\n".join(line for line in block.splitlines() if "listen [::]" not in line)

    nginx_dir = tmp_path / "nginx"
    nginx_dir.mkdir()
    servers = server_block(ports["collector"], collector_cert) + server_block(ports["impostor"], impostor_cert)
    (nginx_dir / "nginx.conf").write_text(nginx_main_conf(nginx_dir, servers))
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
    processes = []
    try:
        processes.append(subprocess.Popen(
            [f"{SYSTEMD}/systemd-journal-remote", f"--listen-http=127.0.0.1:{ports['remote']}", "--split-mode=none",
             f"--output={received}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))  # fmt: skip
        wait_for_port(ports["remote"], processes[-1])
        processes.append(subprocess.Popen(
            [nginx_bin, "-p", str(nginx_dir), "-c", str(nginx_dir / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))  # fmt: skip
        wait_for_port(ports["collector"], processes[-1])

        shipped_upload = (project / "deploy" / "systemd" / "journal-upload.conf").read_text()

        def upload(port, cert):
            """systemd-journal-upload over the host's journal, its settings from the shipped file alone
            (with cert None: the same without a client certificate)."""
            config = replace_all(shipped_upload, {
                f"URL=https://logs.{domain}:19532": f"URL=https://127.0.0.1:{port}",
                "/run/credentials/systemd-journal-upload.service/journal-upload.key": str(cert and cert[1]),
                "/etc/ssl/certs/journal-upload.pem": str(cert and cert[0]),
                "/etc/ssl/certs/journal-collector-ca.pem": str(log_ca.ca),
            })  # fmt: skip
            flags = []
            if cert is None:
                config = "\n".join(line for line in config.splitlines() if not line.startswith("Server"))
                flags = ["--key=-", "--cert=-"]
            etc = tmp_path / f"etc-systemd-{uuid.uuid4().hex}"
            (etc / "journal-upload.conf.d").mkdir(parents=True)
            (etc / "journal-upload.conf.d" / f"{slug}.conf").write_text(config)
            private = ["unshare", "--mount", *([] if os.geteuid() == 0 else ["--map-root-user"])]
            return subprocess.run(
                [*private, "sh", "-c", 'mount --bind "$0" /etc/systemd && exec "$@"', str(etc),
                 f"{SYSTEMD}/systemd-journal-upload", "--follow=no", f"--file={host_journal}", *flags],
                capture_output=True, text=True, timeout=60,
            )  # fmt: skip

        # A host whose certificate the log CA did not sign is turned away, and so is one without any.
        stranger = upload(ports["collector"], stranger_cert)
        assert stranger.returncode != 0, stranger.stderr
        anonymous = upload(ports["collector"], None)
        assert anonymous.returncode != 0, anonymous.stderr
        # A server that is not the collector gets nothing: the host checks its certificate first.
        impostor = upload(ports["impostor"], host_cert)
        assert impostor.returncode != 0, impostor.stderr
        assert "certificate" in impostor.stderr.lower(), impostor.stderr
        # The host, with its certificate, to the collector.
        shipped = upload(ports["collector"], host_cert)
        assert shipped.returncode == 0, shipped.stderr
    finally:
        for process in reversed(processes):
            stop(process)

    access = (nginx_dir / "access.log").read_text().splitlines()
    assert [(line.split('"')[1], line.split('"')[2].split()[0]) for line in access] == [
        ("POST /upload HTTP/1.1", "400"),  # the stranger: a certificate from another CA
        ("POST /upload HTTP/1.1", "400"),  # no certificate
        ("POST /upload HTTP/1.1", "202"),  # the host
    ], access  # and nothing from the impostor's connection, refused during the handshake
    # Every line arrived once, byte for byte, with its unit and time; the refused uploads added nothing.
    arrived = read_journal(received)
    assert [entry["MESSAGE"] for entry in arrived] == lines
    assert {entry["_SYSTEMD_UNIT"] for entry in arrived} == {f"{slug}.service"}
    assert [int(entry["__REALTIME_TIMESTAMP"]) for entry in arrived] == [start + i for i in range(len(lines))]
    arrived_events = [json.loads(entry["MESSAGE"]) for entry in arrived if entry["MESSAGE"] in events]
    assert arrived_events == [json.loads(line) for line in events]
    assert any(event["event"] == "login.failed" for event in arrived_events)

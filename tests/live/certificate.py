"""Throwaway certificates: the live site's own, and a CA with the server and client certificates it issues."""

import base64
import hashlib
import subprocess


def make_certificate(directory):
    """A self-signed certificate for 127.0.0.1 and localhost; returns (cert, key, SPKI SHA-256 in base64)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    public_der = subprocess.run(
        ["openssl", "x509", "-in", str(cert), "-pubkey", "-noout"], check=True, capture_output=True
    ).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=public_der, check=True,
                         capture_output=True).stdout  # fmt: skip
    return cert, key, base64.b64encode(hashlib.sha256(der).digest()).decode()


def make_ca(directory, name):
    """A CA of its own; returns (certificate, key)."""
    cert, key = directory / f"{name}-ca.pem", directory / f"{name}-ca.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={name} CA"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def issue(ca, directory, name, host=None):
    """A certificate the CA (certificate, key) signs: for a server at host, or a client named name."""
    cert, key, request = directory / f"{name}.pem", directory / f"{name}.key", directory / f"{name}.csr"
    subprocess.run(
        ["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(request), "-subj", f"/CN={host or name}"],
        check=True, capture_output=True,
    )  # fmt: skip
    extensions = directory / f"{name}.ext"
    extensions.write_text(f"subjectAltName=DNS:{host}\n" if host else "extendedKeyUsage=clientAuth\n")
    subprocess.run(
        ["openssl", "x509", "-req", "-in", str(request), "-CA", str(ca[0]), "-CAkey", str(ca[1]), "-days", "2",
         "-out", str(cert), "-extfile", str(extensions)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key

"""A throwaway self-signed certificate for the live site."""

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

"""Response hardening: the headers every response carries (request id, Permissions-Policy, the
extra headers of security.py), resource isolation (Fetch Metadata), the CSP report endpoint and
the error pages."""

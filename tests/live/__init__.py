"""Tier 3 helpers: a baked project served for real on 127.0.0.1, and the clients that probe it.

serve.py bakes and starts the site (tests/conftest.py's live_site fixture); each other module does one job,
named by the module. Every process is started here, bound to 127.0.0.1, and stopped by its PID.
project_files/ holds the test-only settings and pages copied into the bake: never part of a shipped project.
"""

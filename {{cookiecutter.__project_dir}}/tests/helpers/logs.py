"""Capturing log records: a plain collector, the security events it saw, and the whole run's transcript."""

import logging

from {{ cookiecutter.project_slug }}.audit.log_format import JsonLineFormatter


class Collector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


class EventList:
    def __init__(self, collector):
        self.collector = collector

    def all(self):
        return [record.security_event for record in self.collector.records]

    def named(self, event):
        return [payload for payload in self.all() if payload["event"] == event]


# Everything any test logs, formatted as production writes it, checked at the end of the run for
# secrets the tests used: passwords (every `password` fixture value) and two-factor codes.
SECRETS_USED = set()
ALL_LOG_OUTPUT = []


class Transcript(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonLineFormatter())

    def emit(self, record):
        ALL_LOG_OUTPUT.append(self.format(record))

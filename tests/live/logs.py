"""Reading what a server logged."""

import json


def security_events(log):
    """The security events a server wrote to its log: JSON lines on stdout, as in production."""
    events = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            if "event" in entry:
                events.append(entry)
    return events

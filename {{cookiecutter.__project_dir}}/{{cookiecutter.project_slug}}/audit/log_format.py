import json
import logging
from datetime import UTC, datetime


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line (12-factor: the platform ships stdout). A security event is written as
    the event itself; any other record as {ts, level, logger, message[, exception]}."""

    def format(self, record):
        event = getattr(record, "security_event", None)
        if event is not None:
            return json.dumps(event, sort_keys=True)
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, sort_keys=True)

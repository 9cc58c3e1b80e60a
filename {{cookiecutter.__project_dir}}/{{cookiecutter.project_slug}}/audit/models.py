from datetime import datetime

from django.db import models


class SecurityEvent(models.Model):
    """A copy of a security log line, for teams without a log pipeline. Read-only in the admin; pruned
    after SECURITY_EVENTS_RETENTION_DAYS by `manage.py prune_security_events`."""

    timestamp = models.DateTimeField(db_index=True)
    event = models.CharField(max_length=64, db_index=True)
    outcome = models.CharField(max_length=16)
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    method = models.CharField(max_length=16, blank=True)
    path = models.CharField(max_length=200, blank=True)
    user_agent = models.CharField(max_length=120, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-timestamp", "-pk"]

    def __str__(self):
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {self.event} {self.outcome}"

    @classmethod
    def store(cls, payload):
        fields = {name: payload.get(name) or "" for name in ("request_id", "method", "path", "user_agent")}
        return cls.objects.create(
            timestamp=datetime.fromisoformat(payload["ts"].replace("Z", "+00:00")),
            event=payload["event"],
            outcome=payload["outcome"],
            user_id=payload["user_id"],
            client_ip=payload["client_ip"] or None,
            details=payload["details"],
            **fields,
        )

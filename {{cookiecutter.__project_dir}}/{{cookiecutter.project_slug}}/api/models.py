from django.db import models
from knox.models import AbstractAuthToken


class Token(AbstractAuthToken):
    """A personal access token (KNOX_TOKEN_MODEL): knox keeps only its SHA-512 digest and its first
    characters (token_key, to find the row); the token itself is shown once, when created."""

    class Scope(models.TextChoices):
        READ = "read", "Read"
        READ_WRITE = "read-write", "Read and write"

    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    first_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.name

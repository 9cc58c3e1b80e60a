from django.conf import settings
from django.db import models
from django.urls import reverse


class Document(models.Model):
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=10_000, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="documents")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        permissions = [("manage_all_documents", "Can edit and delete documents owned by anyone")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("documents:detail", args=[self.pk])

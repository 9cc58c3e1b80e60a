from django.db import models
from rest_framework import serializers

from ..documents.models import Document


class StrictCharField(serializers.CharField):
    """A JSON string within max_length as sent, as the schema says: DRF's CharField also turns a
    number into text, and counts the length only after stripping whitespace."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class DocumentSerializer(serializers.ModelSerializer):
    """The fields of docs/accounts.md's table: title and body written, the owner only read; the
    owner's address only for the owner and for those who may view users, as on the pages."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }
    owner_name = serializers.CharField(source="owner.full_name", read_only=True)
    owner_email = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "title", "body", "owner_name", "owner_email", "updated_at"]
        read_only_fields = ["id", "updated_at"]

    def get_owner_email(self, document) -> str | None:
        user = self.context["request"].user
        if document.owner_id == user.pk or user.has_perm("accounts.view_user"):
            return document.owner.email
        return None

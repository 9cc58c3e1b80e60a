from rest_framework import serializers

from ..documents.models import Document


class DocumentSerializer(serializers.ModelSerializer):
    """The fields of docs/accounts.md's table: title and body written, the owner only read; the
    owner's address only for the owner and for those who may view users, as on the pages."""

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

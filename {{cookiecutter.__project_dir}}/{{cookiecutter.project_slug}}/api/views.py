from drf_spectacular.views import SpectacularAPIView
from rest_framework import viewsets

from ..documents.models import Document
from .permissions import DocumentPermissions, TokenScope
from .serializers import DocumentSerializer
from .throttling import ClientAddressThrottle, DocumentWriteThrottle, TokenOrUserThrottle


class ApiViewMixin:
    """Every API view: the per-address limit is counted first, so a flood is refused before any token
    is looked up or any query runs; the per-token (or per-user) limit follows authentication."""

    def initial(self, request, *args, **kwargs):
        throttle = ClientAddressThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())
        super().initial(request, *args, **kwargs)


class DocumentViewSet(ApiViewMixin, viewsets.ModelViewSet):
    """Documents: the same roles and ownership rules as the documents pages."""

    queryset = Document.objects.select_related("owner")
    serializer_class = DocumentSerializer
    permission_classes = [TokenScope, DocumentPermissions]
    throttle_classes = [TokenOrUserThrottle, DocumentWriteThrottle]

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)  # never taken from the request body


class SchemaView(ApiViewMixin, SpectacularAPIView):
    """The OpenAPI 3 schema, for signed-in users and tokens (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"])."""

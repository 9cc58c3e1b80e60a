from rest_framework.permissions import SAFE_METHODS, BasePermission, DjangoModelPermissions

from ..documents.views import MANAGE_ALL
from .models import Token


class DocumentPermissions(DjangoModelPermissions):
    """The rules of the documents pages (documents/views.py): the model permission for each method
    (DRF checks none for reads by default: here reading needs view_document too), and changing or
    deleting also needs ownership, unless the user may manage every document."""

    view = ["%(app_label)s.view_%(model_name)s"]
    perms_map = {**DjangoModelPermissions.perms_map, "GET": view, "HEAD": view}

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or obj.owner_id == request.user.pk or request.user.has_perm(MANAGE_ALL)


class TokenScope(BasePermission):
    """A token scoped `read` may only read; sessions and `read-write` tokens are limited by roles alone."""

    message = "This token may only read (scope: read)."

    def has_permission(self, request, view):
        token = request.auth
        return request.method in SAFE_METHODS or not isinstance(token, Token) or token.scope == Token.Scope.READ_WRITE

"""The pattern to copy: class-based views, each declaring the permission it needs.

PermissionRequiredMixin sends anonymous users to the login page and answers 403 to signed-in users
without the permission. Changing or deleting also needs ownership, unless the user may manage every
document (documents.manage_all_documents).
"""

from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.generic import CreateView, DeleteView, DetailView, ListView, UpdateView
from django_ratelimit.decorators import ratelimit

from .forms import DocumentForm
from .models import Document

MANAGE_ALL = "documents.manage_all_documents"
# Writes per user (DOCUMENT_WRITE_RATE), counted before the permission check: a script cannot fill
# the table or keep the database busy. Over the limit: 429 with Retry-After (throttling/responses.py).
limit_writes = method_decorator(
    ratelimit(group="documents.write", key="user_or_ip", rate=settings.DOCUMENT_WRITE_RATE, method="POST"),
    name="dispatch",
)


class OwnerOrManagerMixin:
    """Object-level rule on top of the model permission: your own documents, or every one if you manage all."""

    def get_object(self, queryset=None):
        document = super().get_object(queryset)
        user = self.request.user
        if document.owner_id != user.pk and not user.has_perm(MANAGE_ALL):
            raise PermissionDenied("Only the owner or a document manager may do this.")
        return document


class DocumentListView(PermissionRequiredMixin, ListView):
    permission_required = "documents.view_document"
    queryset = Document.objects.select_related("owner")  # each row names its owner: one query, not one per row
    paginate_by = 50


class DocumentDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "documents.view_document"
    model = Document


@limit_writes
class DocumentCreateView(PermissionRequiredMixin, CreateView):
    permission_required = "documents.add_document"
    model = Document
    form_class = DocumentForm

    def form_valid(self, form):
        form.instance.owner = self.request.user  # never taken from the request body
        return super().form_valid(form)


@limit_writes
class DocumentUpdateView(PermissionRequiredMixin, OwnerOrManagerMixin, UpdateView):
    permission_required = "documents.change_document"
    model = Document
    form_class = DocumentForm


@limit_writes
class DocumentDeleteView(PermissionRequiredMixin, OwnerOrManagerMixin, DeleteView):
    permission_required = "documents.delete_document"
    model = Document
    success_url = reverse_lazy("documents:list")

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("documents", views.DocumentViewSet, basename="api-document")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="api-schema"),
    *router.urls,
]

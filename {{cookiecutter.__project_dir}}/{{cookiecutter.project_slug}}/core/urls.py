from django.urls import path
from django.views.generic import TemplateView

from . import security_txt, views

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(".well-known/security.txt", security_txt.security_txt, name="security_txt"),
]

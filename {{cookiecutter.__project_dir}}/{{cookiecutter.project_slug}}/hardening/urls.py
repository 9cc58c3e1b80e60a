from django.urls import path

from .csp_report import csp_report

urlpatterns = [
    path("csp-report/", csp_report, name="csp_report"),
]

from django.urls import path

from . import views

app_name = "twofactor"
urlpatterns = [
    path("verify/", views.VerifyView.as_view(), name="verify"),
    path("enrol/", views.EnrolView.as_view(), name="enrol"),
    path("devices/", views.DevicesView.as_view(), name="devices"),
    path("recovery-codes/", views.RegenerateCodesView.as_view(), name="regenerate_codes"),
    path("devices/<int:pk>/remove/", views.RemoveDeviceView.as_view(), name="remove_device"),
]

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("members/", views.members, name="members"),
]

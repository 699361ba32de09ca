from django.urls import path

from alongside.privacy import views

app_name = "privacy"

urlpatterns = [
    path("requests/", views.requests, name="requests"),
    path("service-users/<int:pk>/", views.service_user, name="service-user"),
    path("service-users/<int:pk>/export/", views.service_user_export, name="service-user-export"),
    path("service-users/<int:pk>/erase/", views.service_user_erase, name="service-user-erase"),
    path("participants/<int:pk>/", views.participant, name="participant"),
    path("participants/<int:pk>/export/", views.participant_export, name="participant-export"),
    path("participants/<int:pk>/erase/", views.participant_erase, name="participant-erase"),
]

from django.urls import path

from alongside.practice import views

app_name = "practice"
urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("service-users/<int:pk>/", views.service_user, name="service-user"),
    path("supervisees/", views.supervisees, name="supervisees"),
    path(
        "supervisees/<int:person_pk>/caseload/",
        views.supervisee_caseload,
        name="supervisee-caseload",
    ),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/<int:pk>/", views.referral, name="referral"),
    path("programme/", views.programme, name="programme"),
]

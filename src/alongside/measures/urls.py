from django.urls import path

from alongside.measures import schedules, views

app_name = "measures"
urlpatterns = [
    path("instruments/", views.instruments, name="instruments"),
    path(
        "instruments/<slug:code>/<str:version>/fhir/",
        views.questionnaire_fhir,
        name="questionnaire-fhir",
    ),
    path("people/<int:pk>/", views.person_scores, name="person-scores"),
    path("people/<int:pk>/<slug:code>/new/", views.administer, name="administer"),
    path("people/<int:pk>/link/", views.link_create, name="link-create"),
    path("administrations/<int:pk>/fhir/", views.administration_fhir, name="administration-fhir"),
    path("mine/", views.my_measures, name="my-measures"),
    path("mine/<slug:code>/", views.my_measure_complete, name="my-complete"),
    path("summary/", views.summary, name="summary"),
    path("schedules/", schedules.schedules, name="schedules"),
    path("schedules/<slug:code>/", schedules.schedule_edit, name="schedule-edit"),
    path("s/<str:token>/", views.survey_link, name="survey-link"),
]

from django.urls import path

from alongside.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.studies, name="studies"),
    path("<slug:slug>/", views.study, name="study"),
    path("<slug:slug>/items/", views.items, name="items"),
    path("<slug:slug>/import/", views.import_responses, name="import"),
    path("<slug:slug>/export/<slug:format>/", views.export, name="export"),
    path("<slug:slug>/report.json", views.report_json, name="report-json"),
]

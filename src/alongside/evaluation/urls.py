from alongside.evaluation.views import studies

app_name = "evaluation"

urlpatterns = [
    *studies.urlpatterns,
]

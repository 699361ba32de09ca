from alongside.evaluation.views import manage, paper, studies, surveys

app_name = "evaluation"

urlpatterns = [
    *surveys.urlpatterns,
    *paper.urlpatterns,
    *manage.urlpatterns,
    *studies.urlpatterns,
]

from alongside.workforce.views import (
    cpd,
    exchange,
    guidance,
    overview,
    pulse,
    readiness,
    roles,
    supervision,
)

app_name = "workforce"

urlpatterns = [
    *overview.urlpatterns,
    *supervision.urlpatterns,
    *cpd.urlpatterns,
    *roles.urlpatterns,
    *readiness.urlpatterns,
    *pulse.urlpatterns,
    *exchange.urlpatterns,
    *guidance.urlpatterns,
]

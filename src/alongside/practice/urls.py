from alongside.practice.views import (
    activities,
    advocacy,
    caseload,
    contacts,
    endings,
    goals,
    groups,
    referrals,
    service_users,
)

app_name = "practice"

urlpatterns = [
    *caseload.urlpatterns,
    *service_users.urlpatterns,
    *referrals.urlpatterns,
    *contacts.urlpatterns,
    *groups.urlpatterns,
    *goals.urlpatterns,
    *advocacy.urlpatterns,
    *endings.urlpatterns,
    *activities.urlpatterns,
]

from django.urls import path

from alongside.organisation.views import people, regions, teams

app_name = "organisation"

urlpatterns = [
    path("regions/", regions.regions, name="regions"),
    path("regions/new/", regions.region_create, name="region-create"),
    path("regions/<int:pk>/", regions.region, name="region"),
    path("regions/<int:pk>/edit/", regions.region_edit, name="region-edit"),
    path("regions/<int:pk>/areas/new/", regions.area_create, name="area-create"),
    path("areas/<int:pk>/edit/", regions.area_edit, name="area-edit"),
    path("teams/", teams.teams, name="teams"),
    path("teams/new/", teams.team_create, name="team-create"),
    path("teams/<int:pk>/", teams.team, name="team"),
    path("teams/<int:pk>/edit/", teams.team_edit, name="team-edit"),
    path("people/", people.people, name="people"),
    path("people/new/", people.person_create, name="person-create"),
    path("people/<int:pk>/", people.person, name="person"),
    path("people/<int:pk>/edit/", people.person_edit, name="person-edit"),
    path("people/<int:pk>/roles/new/", people.membership_add, name="membership-add"),
    path(
        "people/<int:pk>/roles/<int:membership_pk>/end/",
        people.membership_end,
        name="membership-end",
    ),
    path("people/<int:pk>/supervisors/new/", people.supervision_add, name="supervision-add"),
    path("people/<int:pk>/login/new/", people.login_create, name="login-create"),
]

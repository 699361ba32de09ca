"""Goal pages: the PSW's, the hub section, and the service user's own page."""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alongside.core.models import AuditEvent
from alongside.practice.actions.goals import close_goal, record_progress, set_goal
from alongside.practice.models import Goal, GoalProgress, GoalStep

TODAY = timezone.localdate()


def text(response):
    """The page as a reader sees it: entities such as &#x27; turned back into characters."""
    return html.unescape(response.content.decode())


def goal_for(
    p, service_user=None, by=None, text="Swim a length", ratings=(), steps=("Find a pool",)
):
    """A goal set the way a PSW sets one, with ratings added over the past days."""
    goal = set_goal(
        by=(by or p.psw).user,
        service_user=service_user or p.su_a,
        text=text,
        set_by="service-user",
        chime_domain="hope",
        steps=list(steps),
        set_on=TODAY - dt.timedelta(days=30),
    )
    for days_ago, rating in zip(range(len(ratings), 0, -1), ratings, strict=True):
        record_progress(
            by=(by or p.psw).user,
            goal=goal,
            rating=rating,
            note=f"note {rating}",
            rated_on=TODAY - dt.timedelta(days=days_ago),
            by_service_user=False,
        )
    return goal


def _written():
    return (
        AuditEvent.objects.exclude(action__in=["view", "denied"]).count(),
        Goal.objects.count(),
        GoalStep.objects.count(),
        GoalProgress.objects.count(),
        list(Goal.objects.values_list("version", flat=True)),
    )


def test_a_psw_sets_a_goal_through_the_page(personas, client_for):
    p = personas
    url = f"/practice/service-users/{p.su_a.pk}/goals/new/"
    client = client_for("psw")
    form_page = text(client.get(url))
    assert "always the person's own" in form_page
    # A date input only takes an ISO date, whatever the page's language writes dates as.
    assert f'type="date" name="set_on" value="{TODAY.isoformat()}"' in form_page
    response = client.post(
        url,
        {
            "text": "Go back to the choir",
            "set_by": "agreed",
            "chime_domain": "connectedness",
            "steps": "Find out when they meet\n\nGo once to listen",
            "set_on": TODAY.isoformat(),
        },
    )
    goal = Goal.objects.get()
    assert response.status_code == 302
    assert response.url == f"/practice/goals/{goal.pk}/"
    assert list(goal.steps.values_list("text", flat=True)) == [
        "Find out when they meet",
        "Go once to listen",
    ]
    page = client.get(response.url)
    assert "Goal saved." in text(page)
    assert "Go back to the choir" in text(page)


def test_a_goal_without_who_set_it_is_refused_beside_the_field(personas, client_for):
    p = personas
    before = _written()
    response = client_for("psw").post(
        f"/practice/service-users/{p.su_a.pk}/goals/new/",
        {"text": "Go back to the choir", "chime_domain": "hope", "set_on": TODAY.isoformat()},
    )
    assert response.status_code == 200
    assert 'id="id_set_by_error"' in text(response)
    assert "Say whether they set it themselves or agreed it with you." in text(response)
    assert _written() == before


@pytest.mark.parametrize("rating", ["11", "-1", "seven", ""])
def test_a_rating_outside_0_to_10_is_refused_beside_the_field(personas, client_for, rating):
    goal = goal_for(personas)
    before = _written()
    response = client_for("psw").post(
        f"/practice/goals/{goal.pk}/progress/", {"rating": rating, "rated_on": TODAY.isoformat()}
    )
    assert response.status_code == 200
    assert 'id="id_rating_error"' in text(response)
    assert "Choose a number from 0 to 10." in text(response)
    assert _written() == before


def test_a_psw_adds_a_rating_and_sees_it_in_the_history(personas, client_for):
    goal = goal_for(personas, ratings=[3])
    client = client_for("psw")
    response = client.post(
        f"/practice/goals/{goal.pk}/progress/",
        {"rating": "6", "note": "Went twice", "rated_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    page = client.get(f"/practice/goals/{goal.pk}/")
    assert "Went twice" in text(page)
    assert 'aria-label="2 ratings out of 10, oldest first: 3, 6"' in text(page)


def test_the_hub_shows_open_goals_with_ratings_and_closed_ones_folded_away(personas, client_for):
    p = personas
    goal_for(p, text="Swim a length", ratings=[2, 4, 5])
    closed = goal_for(p, text="Sort out the allotment")
    close_goal(by=p.psw.user, goal=closed, expected_version=1, status="changed", closed_on=TODAY)
    page = text(client_for("psw").get(f"/practice/service-users/{p.su_a.pk}/"))
    section = page[page.index('id="goals"') :]
    assert "Swim a length" in section
    assert "5 out of 10" in section
    assert re.search(
        r'<svg[^>]*role="img"[^>]*aria-label="3 ratings out of 10[^"]*: 2, 4, 5"', page
    )
    assert "Find a pool" in section
    details = section[section.index("<details") : section.index("</details>")]
    assert "Sort out the allotment" in details
    assert "Changed" in details
    assert "Set a goal" in section


def test_a_supervisor_reads_goals_but_cannot_manage_them(personas, client_for):
    p = personas
    goal = goal_for(p)
    client = client_for("supervisor")
    hub = text(client.get(f"/practice/service-users/{p.su_a.pk}/"))
    assert "Swim a length" in hub
    assert "Set a goal" not in hub
    page = text(client.get(f"/practice/goals/{goal.pk}/"))
    assert "Add a rating" not in page
    assert "Mark done" not in page
    assert client.get(f"/practice/goals/{goal.pk}/edit/").status_code == 404


@pytest.mark.parametrize("suffix", ["", "edit/", "progress/", "close/"])
def test_psw_b_gets_404_on_psw_as_goal_pages(personas, client_for, suffix):
    goal = goal_for(personas)
    response = client_for("psw_b").get(f"/practice/goals/{goal.pk}/{suffix}")
    assert response.status_code == 404
    assert "Swim a length" not in text(response)


def test_psw_b_cannot_set_a_goal_for_psw_as_service_user(personas, client_for):
    response = client_for("psw_b").get(f"/practice/service-users/{personas.su_a.pk}/goals/new/")
    assert response.status_code == 404


def test_two_people_editing_a_goal_at_once_the_second_gets_a_conflict(personas, client_for):
    goal = goal_for(personas)
    url = f"/practice/goals/{goal.pk}/edit/"
    form = {"version": "1", "chime_domain": "hope", "steps": "Find a pool"}
    client = client_for("psw")
    assert client.post(url, {**form, "text": "Swim two lengths"}).status_code == 302
    second = client.post(url, {**form, "text": "Swim in the sea"})
    assert second.status_code == 200
    assert "Someone else changed this record" in text(second)
    assert Goal.objects.get().text == "Swim two lengths"


def test_a_psw_closes_a_goal(personas, client_for):
    goal = goal_for(personas)
    client = client_for("psw")
    response = client.post(
        f"/practice/goals/{goal.pk}/close/",
        {"version": "1", "status": "achieved", "closed_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == "achieved"
    page = text(client.get(f"/practice/goals/{goal.pk}/"))
    assert "Goal closed: achieved." in page
    assert "Add a rating" not in page
    edit = client.get(f"/practice/goals/{goal.pk}/edit/")
    assert edit.status_code == 302


def test_ticking_a_step_with_htmx_swaps_just_the_steps(personas, client_for):
    goal = goal_for(personas)
    step = goal.steps.get()
    response = client_for("psw").post(
        f"/practice/goals/{goal.pk}/steps/{step.pk}/", {"done": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert text(response).lstrip().startswith('<div id="goal-steps"')
    assert "<html" not in text(response)
    assert f'id="step-{step.pk}-toggle"' in text(response)
    assert "Mark not done" in text(response)
    step.refresh_from_db()
    assert step.done_on == TODAY


def test_ticking_a_step_without_javascript_returns_to_the_goal(personas, client_for):
    goal = goal_for(personas)
    step = goal.steps.get()
    client = client_for("psw")
    client.post(f"/practice/goals/{goal.pk}/steps/{step.pk}/", {"done": "1"})
    response = client.post(f"/practice/goals/{goal.pk}/steps/{step.pk}/", {})
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.done_on is None


def test_a_step_of_a_closed_goal_is_refused_with_a_message(personas, client_for):
    p = personas
    goal = goal_for(p)
    close_goal(by=p.psw.user, goal=goal, expected_version=1, status="let-go", closed_on=TODAY)
    client = client_for("psw")
    step = goal.steps.get()
    response = client.post(
        f"/practice/goals/{goal.pk}/steps/{step.pk}/", {"done": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.headers["HX-Redirect"] == f"/practice/goals/{goal.pk}/"
    assert "This goal is closed" in text(client.get(f"/practice/goals/{goal.pk}/"))
    step.refresh_from_db()
    assert step.done_on is None


def test_a_step_of_another_goal_is_404(personas, client_for):
    goal = goal_for(personas)
    other = goal_for(personas, text="Other")
    step = other.steps.get()
    response = client_for("psw").post(f"/practice/goals/{goal.pk}/steps/{step.pk}/", {"done": "1"})
    assert response.status_code == 404


def test_the_service_user_sees_their_goals_in_plain_language(personas, client_for):
    p = personas
    goal_for(p, text="Swim a length", ratings=[4])
    goal_for(p, service_user=p.su_b, by=p.psw_b, text="Declan's goal")
    page = client_for("service_user_login").get("/practice/my-goals/")
    assert page.status_code == 200
    assert "Swim a length" in text(page)
    assert "Last time you were at <strong>4 out of 10</strong>" in text(page)
    assert "How are you getting on with this, from 0 to 10?" in text(page)
    assert "Declan's goal" not in text(page)


def test_the_service_user_adds_progress_to_their_own_open_goal(personas, client_for):
    p = personas
    goal = goal_for(p)
    client = client_for("service_user_login")
    response = client.post(
        f"/practice/my-goals/{goal.pk}/progress/",
        {f"goal-{goal.pk}-rating": "8", f"goal-{goal.pk}-note": "I swam a whole length!"},
    )
    assert response.status_code == 302
    assert response.url == f"/practice/my-goals/#goal-{goal.pk}"
    entry = GoalProgress.objects.get()
    assert (entry.rating, entry.note, entry.rated_on) == (8, "I swam a whole length!", TODAY)
    assert entry.by_service_user is True
    assert entry.recorded_by == p.service_user_login
    assert "Thank you. Your rating is saved." in text(client.get(response.url))
    detail = text(client_for("psw").get(f"/practice/goals/{goal.pk}/"))
    assert "in their own account" in detail


def test_the_service_users_bad_rating_comes_back_beside_the_field(personas, client_for):
    goal = goal_for(personas)
    before = _written()
    response = client_for("service_user_login").post(
        f"/practice/my-goals/{goal.pk}/progress/", {f"goal-{goal.pk}-rating": "12"}
    )
    assert response.status_code == 200
    assert f'id="id_goal-{goal.pk}-rating_error"' in text(response)
    assert "Choose a number from 0 to 10." in text(response)
    assert _written() == before


def test_the_service_user_cannot_add_progress_to_someone_elses_goal(personas, client_for):
    p = personas
    other = goal_for(p, service_user=p.su_b, by=p.psw_b, text="Declan's goal")
    before = _written()
    response = client_for("service_user_login").post(
        f"/practice/my-goals/{other.pk}/progress/", {f"goal-{other.pk}-rating": "5"}
    )
    assert response.status_code == 404
    assert _written() == before
    assert client_for("service_user_login").get(f"/practice/goals/{other.pk}/").status_code == 404


def test_the_service_user_cannot_add_progress_to_a_closed_goal(personas, client_for):
    p = personas
    goal = goal_for(p)
    close_goal(by=p.psw.user, goal=goal, expected_version=1, status="achieved", closed_on=TODAY)
    before = _written()
    client = client_for("service_user_login")
    response = client.post(
        f"/practice/my-goals/{goal.pk}/progress/", {f"goal-{goal.pk}-rating": "5"}
    )
    assert response.status_code == 404
    assert _written() == before
    page = text(client.get("/practice/my-goals/"))
    assert "Goals you have finished with (1)" in page
    assert f"my-goals/{goal.pk}/progress/" not in page


def test_a_service_user_without_a_linked_record_is_told_so(personas, client_for):
    p = personas
    type(p.su_a).objects.filter(pk=p.su_a.pk).update(person=None)
    page = client_for("service_user_login").get("/practice/my-goals/")
    assert page.status_code == 200
    assert "once your peer support worker has linked your account" in text(page)


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("persona", "url"),
    [("psw", "/practice/service-users/{su}/"), ("service_user_login", "/practice/my-goals/")],
)
def test_goal_pages_do_not_repeat_queries_per_goal(personas, client_for, persona, url):
    p = personas
    url = url.format(su=p.su_a.pk)
    client = client_for(persona)
    for n in range(2):
        goal_for(p, text=f"Goal {n}", ratings=[n, n + 1])
    few = _count_queries(client, url)
    for n in range(2, 25):
        goal_for(p, text=f"Goal {n}", ratings=[1, 2, 3], steps=("one", "two"))
    assert _count_queries(client, url) == few

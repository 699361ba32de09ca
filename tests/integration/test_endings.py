"""Episode pages: the person's history on the hub, status changes, and ending an episode."""

import datetime as dt
import html

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alongside.core.models import AuditEvent
from alongside.practice.actions.goals import close_goal, set_goal
from alongside.practice.models import CaseloadEntry, Ending
from tests import factories

TODAY = timezone.localdate()


class EndingFactory(factory.django.DjangoModelFactory):
    """How an earlier episode ended; its episode is made already ended."""

    class Meta:
        model = Ending

    episode = factory.SubFactory(
        factories.CaseloadEntryFactory,
        status="ended",
        start=dt.date(2021, 1, 4),
        end=dt.date(2021, 9, 30),
    )
    ended_on = factory.SelfAttribute("episode.end")
    planned = True
    reason = "goals-achieved"
    now_work = True
    now_note = "Volunteering at the food bank"
    independence_note = "Manages her week without support"
    recorded_by = factory.SelfAttribute("episode.worker")


def text(response):
    """The page as a reader sees it: entities such as &#x27; turned back into characters."""
    return html.unescape(response.content.decode())


def episode_of(p):
    return p.su_a.caseload_entries.get(end__isnull=True)


def _written():
    return (
        AuditEvent.objects.exclude(action__in=["view", "denied"]).count(),
        list(CaseloadEntry.objects.values_list("pk", "version", "status", "end")),
        Ending.objects.count(),
    )


def _ending_form(episode, **changes):
    form = {
        "version": str(episode.version),
        "ended_on": TODAY.isoformat(),
        "planned": "planned",
        "reason": "person-chose",
        "now_community_activities": "on",
        "now_education": "on",
        "now_note": "Art class on Tuesdays",
        "independence_note": "Feels ready to go it alone",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_the_hub_lists_the_episode_with_its_worker_and_status(personas, client_for):
    p = personas
    page = text(client_for("psw").get(f"/practice/service-users/{p.su_a.pk}/"))
    section = page[page.index('id="episodes"') :]
    assert f"With {p.psw.full_name}" in section
    assert "Active" in section
    assert "End this episode" in section
    supervisor = text(client_for("supervisor").get(f"/practice/service-users/{p.su_a.pk}/"))
    assert f"With {p.psw.full_name}" in supervisor
    assert "End this episode" not in supervisor


def test_a_psw_puts_the_episode_on_hold(personas, client_for):
    p = personas
    episode = episode_of(p)
    client = client_for("psw")
    response = client.post(
        f"/practice/episodes/{episode.pk}/status/", {"version": "1", "status": "on-hold"}
    )
    assert response.status_code == 302
    assert response.url == f"/practice/service-users/{p.su_a.pk}/#episodes"
    episode.refresh_from_db()
    assert (episode.status, episode.version) == ("on-hold", 2)
    assert "The episode is now on hold." in text(client.get(response.url))


def test_the_same_status_again_is_refused_beside_the_field(personas, client_for):
    episode = episode_of(personas)
    before = _written()
    response = client_for("psw").post(
        f"/practice/episodes/{episode.pk}/status/", {"version": "1", "status": "active"}
    )
    assert response.status_code == 200
    assert 'id="id_status_error"' in text(response)
    assert _written() == before


def test_two_status_changes_at_once_the_second_gets_a_conflict(personas, client_for):
    episode = episode_of(personas)
    url = f"/practice/episodes/{episode.pk}/status/"
    client = client_for("psw")
    assert client.post(url, {"version": "1", "status": "on-hold"}).status_code == 302
    second = client.post(url, {"version": "1", "status": "ending"})
    assert second.status_code == 200
    assert "Someone else changed this record" in text(second)
    assert episode_of(personas).status == "on-hold"


def test_ending_with_open_goals_is_refused_with_a_message_naming_them(personas, client_for):
    p = personas
    goal = set_goal(
        by=p.psw.user,
        service_user=p.su_a,
        text="Swim a length",
        set_by="service-user",
        chime_domain="hope",
        steps=[],
        set_on=TODAY,
    )
    episode = episode_of(p)
    url = f"/practice/episodes/{episode.pk}/end/"
    client = client_for("psw")
    form_page = text(client.get(url))
    assert "Goals still open" in form_page
    assert f"/practice/goals/{goal.pk}/close/" in form_page
    before = _written()
    response = client.post(url, _ending_form(episode))
    assert response.status_code == 200
    page = text(response)
    assert 'class="error-summary"' in page
    assert "Some goals are still open" in page
    assert "“Swim a length”" in page
    assert _written() == before


def test_a_psw_ends_the_episode_and_the_hub_shows_how_it_ended(personas, client_for):
    p = personas
    episode = episode_of(p)
    client = client_for("psw")
    response = client.post(f"/practice/episodes/{episode.pk}/end/", _ending_form(episode))
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.status, episode.end) == ("ended", TODAY)
    page = text(client.get(response.url))
    assert "The episode has ended." in page
    section = page[page.index('id="episodes"') :]
    assert "Planned: the person chose to end" in section
    assert "Community activities" in section
    assert "Education or training" in section
    assert "Art class on Tuesdays" in section
    assert "Feels ready to go it alone" in section
    assert "End this episode" not in section


def test_ending_in_the_past_takes_the_psw_back_to_their_caseload(personas, client_for):
    p = personas
    episode = episode_of(p)
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    response = client_for("psw").post(
        f"/practice/episodes/{episode.pk}/end/", _ending_form(episode, ended_on=yesterday)
    )
    assert response.status_code == 302
    assert response.url == "/practice/caseload/"


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"reason": None}, "reason"), ({"planned": None}, "planned"), ({"ended_on": ""}, "ended_on")],
)
def test_bad_ending_input_is_refused_beside_the_field(personas, client_for, changes, field):
    episode = episode_of(personas)
    before = _written()
    response = client_for("psw").post(
        f"/practice/episodes/{episode.pk}/end/", _ending_form(episode, **changes)
    )
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in text(response)
    assert _written() == before


def test_an_ended_episode_cannot_be_ended_or_changed_again(personas, client_for):
    p = personas
    episode = episode_of(p)
    client = client_for("psw")
    client.post(f"/practice/episodes/{episode.pk}/end/", _ending_form(episode))
    before = _written()
    for suffix in ("end/", "status/"):
        response = client.get(f"/practice/episodes/{episode.pk}/{suffix}")
        assert response.status_code == 302
        assert "This episode has ended" in text(client.get(response.url))
    assert _written() == before


def test_a_re_referral_shows_both_episodes_and_keeps_the_old_ending(personas, client_for):
    p = personas
    goal = set_goal(
        by=p.psw.user,
        service_user=p.su_a,
        text="Swim a length",
        set_by="service-user",
        chime_domain="hope",
        steps=[],
        set_on=TODAY,
    )
    close_goal(by=p.psw.user, goal=goal, expected_version=1, status="achieved", closed_on=TODAY)
    first = episode_of(p)
    client = client_for("psw")
    client.post(f"/practice/episodes/{first.pk}/end/", _ending_form(first))
    second = factories.CaseloadEntryFactory(service_user=p.su_a, worker=p.psw, start=TODAY)
    page = text(client.get(f"/practice/service-users/{p.su_a.pk}/"))
    section = page[page.index('id="episodes"') :]
    assert section.count(f"With {p.psw.full_name}") == 2
    assert "Feels ready to go it alone" in section
    assert f"/practice/episodes/{second.pk}/end/" in section
    assert f"/practice/episodes/{first.pk}/end/" not in section
    first.refresh_from_db()
    assert first.ending.reason == "person-chose"


def test_earlier_episodes_with_another_worker_stay_in_the_history(personas, client_for):
    p = personas
    earlier = EndingFactory(episode__service_user=p.su_a)
    page = text(client_for("psw").get(f"/practice/service-users/{p.su_a.pk}/"))
    assert f"With {earlier.episode.worker.full_name}" in page
    assert "Volunteering at the food bank" in page
    assert f"/practice/episodes/{earlier.episode.pk}/" not in page
    other = client_for("psw").get(f"/practice/episodes/{earlier.episode.pk}/end/")
    assert other.status_code == 404


@pytest.mark.parametrize("suffix", ["status/", "end/"])
def test_psw_b_gets_404_on_psw_as_episode_pages(personas, client_for, suffix):
    episode = episode_of(personas)
    response = client_for("psw_b").get(f"/practice/episodes/{episode.pk}/{suffix}")
    assert response.status_code == 404
    assert personas.su_a.preferred_name not in text(response)


def test_the_supervisor_cannot_end_their_supervisees_episode(personas, client_for):
    episode = episode_of(personas)
    response = client_for("supervisor").post(
        f"/practice/episodes/{episode.pk}/end/", _ending_form(episode)
    )
    assert response.status_code == 404
    assert episode_of(personas).status == "active"


def test_the_episode_history_does_not_repeat_queries_per_episode(personas, client_for):
    p = personas
    client = client_for("psw")
    url = f"/practice/service-users/{p.su_a.pk}/"
    EndingFactory.create_batch(2, episode__service_user=p.su_a)
    few = _count_queries(client, url)
    EndingFactory.create_batch(23, episode__service_user=p.su_a)
    assert _count_queries(client, url) == few


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)

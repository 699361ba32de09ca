"""In a real browser: someone with no account opens a single-use link on a phone, answers by
keyboard and tap, sends it, and the link then refuses a second use."""

from io import StringIO

from django.core.management import call_command

from alongside.measures import actions
from alongside.measures.definitions import shipped_definition_paths
from alongside.measures.models import Administration, InstrumentVersion
from tests.functional.browser import follow


def test_a_link_is_filled_in_once_without_an_account(personas, live_server, browser):
    # Transactional tests empty the tables, the migration's instruments with them.
    call_command("instrument", "load", *map(str, shipped_definition_paths()), stdout=StringIO())
    _, token = actions.create_survey_link(
        by=personas.psw.user,
        service_user=personas.su_a,
        instrument_version=InstrumentVersion.objects.get(code="chime-support"),
        text_pack=None,
    )
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/measures/s/{token}/")
    assert "Your worker asked you to fill this in" in page.content()
    assert page.get_by_role("navigation").count() == 0
    assert personas.su_a.preferred_name not in page.content()
    group = page.get_by_role("group", name="2. My peer support worker helps me to believe")
    group.get_by_label("A lot").check()
    page.get_by_role("group", name="1. My peer support worker helps me to build").get_by_label(
        "A great deal"
    ).check()
    page.keyboard.press("Tab")
    follow(page.get_by_role("button", name="Send my answers"))
    assert "Thank you" in page.content()
    administration = Administration.objects.get()
    assert administration.answers == {"hope": 3, "connectedness": 4}
    assert administration.scores["total"]["status"] == "too_few_answers"
    response = page.goto(f"{live_server.url}/measures/s/{token}/")
    assert response.status == 410
    context.close()


def test_a_service_users_own_chart_fits_a_phone(personas, live_server, phone_page):
    import datetime as dt

    from django.utils import timezone

    from alongside.measures.models import AdministrationMode
    from tests.functional.browser import fits_the_screen, sign_in

    call_command("instrument", "load", *map(str, shipped_definition_paths()), stdout=StringIO())
    chime = InstrumentVersion.objects.get(code="chime-support", version="1.0")
    today = timezone.localdate()
    for weeks, level in ((12, 1), (6, 2), (0, 3)):
        actions.record_administration(
            by=personas.psw.user,
            service_user=personas.su_a,
            instrument_version=chime,
            text_pack=None,
            administered_on=today - dt.timedelta(weeks=weeks),
            mode=AdministrationMode.PAPER,
            answers=dict.fromkeys(
                ("connectedness", "hope", "identity", "meaning", "empowerment"), level
            ),
        )
    page = phone_page
    sign_in(page, live_server, personas.service_user_login.user.username)
    page.goto(f"{live_server.url}/measures/mine/")
    assert page.get_by_role("img").count() >= 1
    fits_the_screen(page)

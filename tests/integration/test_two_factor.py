"""Two-step sign-in: required for staff where switched on, once per session, recovery codes,
throttled wrong codes, removal and an administrator's reset, all audited without secrets."""

import logging
import re
from base64 import b32decode
from binascii import unhexlify

import pytest
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from alongside.core import two_factor
from alongside.core.models import AuditAction, AuditEvent, SignInThrottle
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

required = override_settings(ALONGSIDE_REQUIRE_2FA=True)


def code_for(secret_hex, drift=0):
    """The authenticator's code `drift` steps from now. A code is accepted one step early or late,
    and never for a step at or before the last one used, so a test that needs several codes in
    one 30-second step enrols with the previous step's code, signs in with the current one and
    confirms a removal with the next one."""
    return f"{TOTP(unhexlify(secret_hex), drift=drift).token():06d}"


def sign_in(client, user, **extra):
    return client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}, **extra
    )


def enrol(user):
    """Give `user` a confirmed authenticator; return its secret and the recovery codes."""
    secret = two_factor.new_secret()
    codes = two_factor.set_up_authenticator(
        user=user, secret_hex=secret, code=code_for(secret, drift=-1)
    )
    return secret, codes


def all_audit_text():
    return " ".join(str(e.detail) for e in AuditEvent.objects.all())


# Who must have it ------------------------------------------------------------------------------


@required
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/practice/caseload/",
        "/notifications/",
        "/accounts/password/change/",
        "/accounts/two-step/",
        "/measures/instruments/",
    ],
)
def test_a_staff_member_without_a_device_is_sent_to_set_one_up_from_every_page(personas, path):
    client = Client()
    response = sign_in(client, personas.psw.user)
    assert response.url.startswith("/accounts/two-step/set-up/")
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/two-step/set-up/?next=")
    assert client.get("/accounts/two-step/set-up/").status_code == 200


@required
@pytest.mark.parametrize(
    "persona", ["senior", "supervisor", "clinician", "lead", "evaluator", "admin"]
)
def test_every_staff_role_must_set_it_up(personas, persona):
    client = Client()
    client.force_login(personas.user(persona))
    assert client.get("/").url.startswith("/accounts/two-step/set-up/")


@required
def test_django_staff_without_a_role_must_set_it_up():
    user = UserFactory(is_staff=True)
    client = Client()
    client.force_login(user)
    assert client.get("/").url.startswith("/accounts/two-step/set-up/")


@required
@pytest.mark.parametrize("persona", ["service_user_login", "outsider"])
def test_service_users_and_people_without_a_role_are_not_required(personas, persona):
    client = Client()
    response = sign_in(client, personas.user(persona))
    assert response.url == "/"
    assert client.get("/").status_code == 200


def test_outside_production_it_is_off_by_default(personas, client_for):
    assert client_for("psw").get("/practice/caseload/").status_code == 200


@required
def test_public_pages_sign_out_and_set_up_stay_reachable(personas):
    client = Client()
    sign_in(client, personas.psw.user)
    assert client.get("/accounts/password/reset/").status_code == 200
    assert client.get("/accounts/two-step/set-up/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").url.startswith("/accounts/login/")


# Setting it up ---------------------------------------------------------------------------------


def _shown_secret(page_text):
    typed = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page_text).group(1)
    return b32decode(typed.replace(" ", "")).hex()


@required
def test_setting_up_shows_a_qr_code_and_the_key_and_needs_a_first_code(personas):
    user = personas.psw.user
    client = Client()
    sign_in(client, user)
    page = client.get("/accounts/two-step/set-up/?next=/practice/caseload/")
    text = page.content.decode()
    assert '<svg class="qr-code"' in text
    assert "<script" not in text.split("<main", 1)[1]
    assert "no-store" in page["Cache-Control"]
    secret = _shown_secret(text)
    assert (
        client.get("/accounts/two-step/set-up/")
        .content.decode()
        .count(two_factor.secret_for_typing(secret))
    ), "reloading keeps the same key"

    wrong = client.post("/accounts/two-step/set-up/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "did not match" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()

    done = client.post(
        "/accounts/two-step/set-up/", {"code": code_for(secret), "next": "/practice/caseload/"}
    )
    assert done.status_code == 200
    codes = re.findall(
        r"<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>",
        done.content.decode(),
    )
    assert len(set(codes)) == 10
    assert "no-store" in done["Cache-Control"]
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert device.key == secret
    # The session passed the second step with that first code: pages open.
    assert client.get("/practice/caseload/").status_code == 200
    # Codes are stored as hashes only.
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert stored == {two_factor.stored_form(c) for c in codes}
    assert not stored & set(codes)
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="auth.user")
    assert event.actor_id == user.pk
    assert event.detail == {"second_factor": "set-up"}


def test_holding_the_password_is_not_enough_to_replace_an_authenticator(personas):
    user = personas.psw.user
    enrol(user)
    client = Client()
    sign_in(client, user)
    response = client.get("/accounts/two-step/set-up/")
    assert response.url.startswith("/accounts/two-step/code/")
    response = client.post("/accounts/two-step/set-up/", {"code": "123456"})
    assert response.url.startswith("/accounts/two-step/code/")
    assert TOTPDevice.objects.filter(user=user).count() == 1


# The second step -------------------------------------------------------------------------------


@required
def test_with_a_device_the_code_is_asked_once_per_session(personas):
    user = personas.psw.user
    secret, _ = enrol(user)
    client = Client()
    response = sign_in(client, user, follow=False)
    assert response.url == "/accounts/two-step/code/?next=%2F"
    assert client.get("/practice/caseload/").url.startswith("/accounts/two-step/code/")
    passed = client.post(
        "/accounts/two-step/code/", {"code": code_for(secret), "next": "/practice/caseload/"}
    )
    assert passed.url == "/practice/caseload/"
    for path in ("/", "/practice/caseload/", "/notifications/"):
        assert client.get(path).status_code == 200
    # A new session (another browser) must pass the step again.
    other = Client()
    sign_in(other, user)
    assert other.get("/").url.startswith("/accounts/two-step/code/")
    passes = AuditEvent.objects.filter(action=AuditAction.LOGIN, detail__has_key="second_factor")
    assert [e.detail for e in passes] == [{"second_factor": "authenticator"}]


def test_someone_who_opted_in_is_asked_even_where_it_is_not_required(personas):
    user = personas.service_user_login.user
    secret, _ = enrol(user)
    client = Client()
    assert sign_in(client, user).url.startswith("/accounts/two-step/code/")
    assert client.get("/").status_code == 302
    client.post("/accounts/two-step/code/", {"code": code_for(secret)})
    assert client.get("/").status_code == 200


def test_an_unsafe_next_address_is_not_followed(personas):
    user = personas.psw.user
    secret, _ = enrol(user)
    client = Client()
    sign_in(client, user)
    response = client.post(
        "/accounts/two-step/code/", {"code": code_for(secret), "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_a_recovery_code_works_once(personas):
    user = personas.psw.user
    _, codes = enrol(user)
    first = Client()
    sign_in(first, user)
    response = first.post("/accounts/two-step/code/", {"code": codes[0].upper().replace("-", " ")})
    assert response.url == "/"
    assert first.get("/").status_code == 200
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN).latest("id")
    assert event.detail == {"second_factor": "recovery-code", "recovery_codes_left": 9}
    second = Client()
    sign_in(second, user)
    again = second.post("/accounts/two-step/code/", {"code": codes[0]})
    assert again.status_code == 200
    assert second.get("/").status_code == 302
    assert two_factor.recovery_codes_left(user) == 9


def test_new_recovery_codes_replace_the_old_ones(personas):
    user = personas.psw.user
    secret, old_codes = enrol(user)
    client = Client()
    sign_in(client, user)
    client.post("/accounts/two-step/code/", {"code": code_for(secret)})
    assert client.get("/accounts/two-step/recovery-codes/").status_code == 200
    page = client.post("/accounts/two-step/recovery-codes/").content.decode()
    new_codes = re.findall(r"<li><code>([a-z2-7-]{19})</code></li>", page)
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    other = Client()
    sign_in(other, user)
    assert other.post("/accounts/two-step/code/", {"code": old_codes[1]}).status_code == 200
    assert other.post("/accounts/two-step/code/", {"code": new_codes[1]}).status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="auth.user")
    assert event.detail == {"second_factor": "recovery-codes-replaced"}


def test_five_wrong_codes_sign_out_and_lock_the_username(personas):
    user = personas.psw.user
    _secret, _ = enrol(user)
    client = Client()
    sign_in(client, user)
    for _ in range(4):
        assert client.post("/accounts/two-step/code/", {"code": "000000"}).status_code == 200
    locked = client.post("/accounts/two-step/code/", {"code": "000000"})
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    # Signed out: pages ask for the password again ...
    assert client.get("/").url.startswith("/accounts/login/")
    # ... which is refused, right or wrong, while the lock lasts.
    again = sign_in(client, user)
    assert again.status_code == 429
    assert client.get("/").url.startswith("/accounts/login/")
    failures = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert failures.filter(detail__second_factor="wrong-code", actor_id=user.pk).count() == 5
    lock = failures.get(detail__reason="locked-out", detail__locked="username")
    assert user.username not in str(lock.detail)
    assert SignInThrottle.objects.get(kind="username").locked_until is not None


def test_a_lock_reaches_every_session_waiting_at_the_second_step(personas):
    """Two sessions signed in with the password cannot share out more than five guesses."""
    user = personas.psw.user
    secret, _ = enrol(user)
    first, second = Client(), Client()
    sign_in(first, user)
    sign_in(second, user)
    for _ in range(5):
        first.post("/accounts/two-step/code/", {"code": "000000"})
    refused = second.post("/accounts/two-step/code/", {"code": code_for(secret)})
    assert refused.status_code == 429
    assert second.get("/").url.startswith("/accounts/login/")
    assert AuditEvent.objects.filter(detail__reason="locked", actor_id=user.pk).exists()


# Removing and resetting -----------------------------------------------------------------------


def test_removing_ones_own_device_needs_a_current_code(personas):
    user = personas.psw.user
    secret, _ = enrol(user)
    client = Client()
    sign_in(client, user)
    client.post("/accounts/two-step/code/", {"code": code_for(secret)})
    assert client.get("/accounts/two-step/remove/").status_code == 200
    refused = client.post("/accounts/two-step/remove/", {"code": "111111"})
    assert refused.status_code == 200
    assert TOTPDevice.objects.filter(user=user).exists()
    removed = client.post("/accounts/two-step/remove/", {"code": code_for(secret, drift=1)})
    assert removed.url == "/accounts/two-step/"
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert two_factor.recovery_codes_left(user) == 0
    event = AuditEvent.objects.get(action=AuditAction.DELETE, object_type="auth.user")
    assert (event.actor_id, event.object_id) == (user.pk, str(user.pk))
    assert event.detail == {"second_factor": "removed"}


@required
def test_after_removal_a_required_user_sets_it_up_again(personas):
    user = personas.psw.user
    secret, codes = enrol(user)
    client = Client()
    sign_in(client, user)
    client.post("/accounts/two-step/code/", {"code": codes[0]})
    response = client.post("/accounts/two-step/remove/", {"code": code_for(secret)})
    assert response.url == "/accounts/two-step/set-up/"
    assert client.get("/").url.startswith("/accounts/two-step/set-up/")


def test_an_administrator_resets_someone_elses_second_step(personas, client_for):
    user = personas.psw.user
    enrol(user)
    admin = client_for("admin")
    page = admin.get(f"/accounts/two-step/reset/{personas.psw.pk}/")
    assert personas.psw.full_name in page.content.decode()
    response = admin.post(f"/accounts/two-step/reset/{personas.psw.pk}/")
    assert response.url == f"/organisation/people/{personas.psw.pk}/"
    assert not TOTPDevice.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action=AuditAction.DELETE, object_type="auth.user")
    assert event.actor_id == personas.admin.user.pk
    assert event.object_id == str(user.pk)
    assert event.detail == {"second_factor": "reset-by-administrator"}


@pytest.mark.parametrize("persona", ["psw", "supervisor", "lead", "service_user_login"])
def test_only_an_administrator_may_reset(personas, client_for, persona):
    enrol(personas.psw_b.user)
    response = client_for(persona).post(f"/accounts/two-step/reset/{personas.psw_b.pk}/")
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=personas.psw_b.user).exists()


# No secrets in the trail or the logs ----------------------------------------------------------


def test_no_secret_or_code_reaches_the_audit_trail_or_the_logs(personas, caplog):
    user = personas.psw.user
    with caplog.at_level(logging.DEBUG):
        secret, codes = enrol(user)
        client = Client()
        sign_in(client, user)
        client.post("/accounts/two-step/code/", {"code": "999999"})
        client.post("/accounts/two-step/code/", {"code": codes[3]})
        client.post("/accounts/two-step/recovery-codes/")
    text = all_audit_text() + caplog.text
    assert secret not in text
    assert two_factor.secret_for_typing(secret).replace(" ", "") not in text
    for code in [*codes, "999999"]:
        assert code not in text

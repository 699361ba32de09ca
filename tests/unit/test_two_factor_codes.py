"""The pure parts of two-step sign-in: keys as typed, codes by time step, recovery codes."""

import re
from base64 import b32decode
from binascii import unhexlify

from django_otp.oath import TOTP
from hypothesis import given
from hypothesis import strategies as st

from alongside.core import two_factor


def test_a_new_secret_is_twenty_random_bytes():
    secrets = {two_factor.new_secret() for _ in range(20)}
    assert len(secrets) == 20
    assert all(len(unhexlify(s)) == 20 for s in secrets)


@given(st.binary(min_size=20, max_size=20))
def test_the_typed_key_is_the_secret_in_groups_of_four(key):
    typed = two_factor.secret_for_typing(key.hex())
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", typed)
    assert b32decode(typed.replace(" ", "")) == key


def test_the_provisioning_address_names_the_service_and_the_user():
    secret = "00" * 20
    uri = two_factor.provisioning_uri("aoife.byrne", secret)
    assert uri.startswith("otpauth://totp/Alongside%3Aaoife.byrne?secret=AAAAAAAA")
    assert "issuer=Alongside" in uri
    assert "period=30" in uri


def test_a_code_is_accepted_one_step_either_side_and_no_further(monkeypatch):
    now = 1_760_000_015.0  # the middle of a 30-second step
    monkeypatch.setattr("django_otp.oath.time", lambda: now)
    secret = two_factor.new_secret()

    def code(drift):
        totp = TOTP(unhexlify(secret), drift=drift)
        totp.time = now
        return f"{totp.token():06d}"

    step_now = int(now // 30)
    for drift in (-1, 0, 1):
        typed = code(drift)[:3] + " " + code(drift)[3:]
        assert two_factor.totp_step_matched(secret, typed) == step_now + drift
    for drift in (-3, -2, 2, 3):
        if code(drift) not in {code(-1), code(0), code(1)}:
            assert two_factor.totp_step_matched(secret, code(drift)) is None


@given(st.text(max_size=12).filter(lambda t: not re.fullmatch(r"\d{6}", re.sub(r"\s+", "", t))))
def test_anything_but_six_digits_is_not_a_code(text):
    assert two_factor.totp_step_matched("00" * 20, text) is None


def test_recovery_codes_are_long_random_and_grouped():
    codes = {two_factor.new_recovery_code() for _ in range(50)}
    assert len(codes) == 50
    assert all(re.fullmatch(r"[a-z2-7]{4}(-[a-z2-7]{4}){3}", c) for c in codes)
    assert all(two_factor.looks_like_recovery_code(c) for c in codes)
    assert not two_factor.looks_like_recovery_code("123456")


@given(
    st.sampled_from(
        [str.upper, str.lower, lambda c: c.replace("-", " "), lambda c: c.replace("-", "")]
    )
)
def test_a_recovery_code_is_stored_the_same_however_it_is_typed(typing):
    code = "abcd-efgh-ijkl-mnop"
    assert two_factor.stored_form(typing(code)) == two_factor.stored_form(code)
    assert two_factor.stored_form(code) != code
    assert len(two_factor.stored_form(code)) == 16


def test_the_qr_code_is_an_svg_element_with_a_name_and_no_style():
    svg = two_factor.qr_code_svg("otpauth://totp/Alongside:x?secret=AAAA")
    assert svg.startswith('<svg class="qr-code" width="240" height="240" role="img"')
    assert 'aria-label="QR code for your authenticator app"' in svg
    assert "style" not in svg
    assert "<?xml" not in svg

"""Data, step 2 of 3: every plain participant code becomes a keyed digest and a sealed copy.

Participants get `code_digest` and `code_sealed`; paper forms `participant_digest`; each paper
keying's `participant_code` becomes `participant_digest` and `participant_sealed`, and a
resolution's choice of code becomes its digest. Going back opens the sealed copies again, so it
needs the same key file.

The key is the pseudonym key file (settings.ALONGSIDE_PSEUDONYM_KEY_FILE). Outside production a
missing file is created here, readable by its owner only. In production it must already exist
(`alongside pseudonym_key create`): a key made silently during a migration would go unnoticed
and unbacked-up. The digest and seal are made here exactly as alongside.evaluation.pseudonym_key
makes them (migrations never import app code; tests/integration/test_pseudonym_key.py checks
that the two agree).
"""

import base64
import hashlib
import hmac
import os
import unicodedata
from pathlib import Path

from django.conf import settings
from django.db import migrations

DIGEST_CONTEXT = b"alongside participant code digest v1"
BATCH = 2000


class Key:
    def __init__(self, key: bytes) -> None:
        from cryptography.fernet import Fernet

        self.fernet = Fernet(key)
        raw = base64.urlsafe_b64decode(key)
        self.digest_key = hmac.new(raw, DIGEST_CONTEXT, hashlib.sha256).digest()

    def digest(self, code: str) -> str:
        normal = unicodedata.normalize("NFC", code.strip()).casefold()
        return hmac.new(self.digest_key, normal.encode("utf-8"), hashlib.sha256).hexdigest()

    def seal(self, code: str) -> str:
        return self.fernet.encrypt(code.encode("utf-8")).decode("ascii")

    def unseal(self, sealed: str) -> str:
        from cryptography.fernet import InvalidToken

        try:
            return self.fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except InvalidToken as error:
            raise RuntimeError(
                f"The pseudonym key in {settings.ALONGSIDE_PSEUDONYM_KEY_FILE} does not open the "
                "sealed participant codes: restore the key file they were sealed with."
            ) from error


def _key(create: bool) -> Key:
    from cryptography.fernet import Fernet

    path = Path(settings.ALONGSIDE_PSEUDONYM_KEY_FILE)
    if not path.exists():
        if not create or settings.PRODUCTION:
            raise RuntimeError(
                f"The pseudonym key file {path} is missing. In production, create it first with "
                "`alongside pseudonym_key create` (then back it up apart from the database), "
                "or restore it from its backup, and migrate again."
            )
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(handle, "wb") as file:
                file.write(Fernet.generate_key() + b"\n")
    return Key(path.read_bytes().strip())


def _batches(model):
    """Every row in batches, by key: each batch is read whole before it is written back."""
    last = None
    while True:
        queryset = model.objects.order_by("pk")
        if last is not None:
            queryset = queryset.filter(pk__gt=last)
        rows = list(queryset[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def seal(apps, schema_editor):
    Participant = apps.get_model("evaluation", "Participant")
    PaperForm = apps.get_model("evaluation", "PaperForm")
    PaperEntry = apps.get_model("evaluation", "PaperEntry")
    if not (Participant.objects.exists() or PaperForm.objects.exists()):
        return
    key = _key(create=True)
    seen: dict[tuple[int, str], str] = {}
    for rows in _batches(Participant):
        for row in rows:
            row.code_digest = key.digest(row.code)
            row.code_sealed = key.seal(row.code)
            other = seen.setdefault((row.study_id, row.code_digest), row.pseudonym)
            if other != row.pseudonym:
                raise RuntimeError(
                    f"Participants {other} and {row.pseudonym} of study {row.study_id} have "
                    "codes that differ only in case or spaces, which now name the same person. "
                    "Give one of them another code, then migrate again."
                )
        Participant.objects.bulk_update(rows, ["code_digest", "code_sealed"])
    for rows in _batches(PaperForm):
        for form in rows:
            form.participant_digest = key.digest(form.participant_code)
            chosen = form.resolved_answers.get("participant_code")
            if isinstance(chosen, str):
                form.resolved_answers["participant_code"] = key.digest(chosen)
        PaperForm.objects.bulk_update(rows, ["participant_digest", "resolved_answers"])
    for rows in _batches(PaperEntry):
        for entry in rows:
            code = str(entry.answers.pop("participant_code", ""))
            entry.answers = {
                "participant_digest": key.digest(code),
                "participant_sealed": key.seal(code),
                **entry.answers,
            }
        PaperEntry.objects.bulk_update(rows, ["answers"])


def unseal(apps, schema_editor):
    Participant = apps.get_model("evaluation", "Participant")
    PaperForm = apps.get_model("evaluation", "PaperForm")
    PaperEntry = apps.get_model("evaluation", "PaperEntry")
    if not (Participant.objects.exists() or PaperForm.objects.exists()):
        return
    key = _key(create=False)
    for rows in _batches(Participant):
        for row in rows:
            row.code = key.unseal(row.code_sealed)
        Participant.objects.bulk_update(rows, ["code"])
    for rows in _batches(PaperForm):
        for form in rows:
            codes = {}
            for entry in PaperEntry.objects.filter(form=form):
                sealed = entry.answers.get("participant_sealed")
                if sealed:
                    code = key.unseal(sealed)
                    codes[key.digest(code)] = code
            if form.response_id is not None:
                Response = apps.get_model("evaluation", "Response")
                sealed = (
                    Response.objects.filter(pk=form.response_id)
                    .values_list("participant__code_sealed", flat=True)
                    .first()
                )
                if sealed:
                    code = key.unseal(sealed)
                    codes[key.digest(code)] = code
            form.participant_code = codes.get(form.participant_digest, "")
            chosen = form.resolved_answers.get("participant_code")
            if isinstance(chosen, str):
                form.resolved_answers["participant_code"] = codes.get(chosen, "")
        PaperForm.objects.bulk_update(rows, ["participant_code", "resolved_answers"])
    for rows in _batches(PaperEntry):
        for entry in rows:
            entry.answers.pop("participant_digest", None)
            sealed = entry.answers.pop("participant_sealed", "")
            entry.answers = {
                "participant_code": key.unseal(sealed) if sealed else "",
                **entry.answers,
            }
        PaperEntry.objects.bulk_update(rows, ["answers"])


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0005_participant_code_digest_and_seal"),
    ]

    operations = [migrations.RunPython(seal, unseal)]

"""Loading definitions and packs: all or nothing, precise errors, changed definitions refused."""

import shutil
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from alongside.measures.definitions import SHIPPED_DIR, load_shipped_catalogue
from alongside.measures.models import InstrumentVersion, TextPack

pytestmark = pytest.mark.django_db

SWEMWBS_PACK = {
    "pack": "test-swemwbs-en",
    "instrument": "swemwbs",
    "version": "1.0",
    "licence": {"holder": "Test Trust", "attribution": "Test attribution statement"},
    "items": {
        code: f"Test wording for {code}"
        for code in ("optimism", "useful", "relaxed", "problems", "thinking", "close", "own_mind")
    },
    "scales": {"frequency5": {1: "Never", 2: "Rarely", 3: "Sometimes", 4: "Often", 5: "Always"}},
}


def write(path, data):
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("instrument", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_data_migration_loaded_every_shipped_definition_with_its_digest():
    shipped = {(i.code, i.version): i.digest for i in load_shipped_catalogue()}
    stored = {(r.code, r.version): r.digest for r in InstrumentVersion.objects.all()}
    assert stored == shipped
    for row in InstrumentVersion.objects.all():
        assert row.instrument().digest == row.digest  # rebuilt from JSON, digest re-checked


def test_loading_a_shipped_file_again_is_a_no_op():
    out, _ = run("load", str(SHIPPED_DIR / "qpr-15-1.0.yaml"))
    assert "already loaded, unchanged" in out
    assert InstrumentVersion.objects.filter(code="qpr-15").count() == 1


def test_a_changed_definition_under_the_same_version_is_refused(tmp_path):
    data = yaml.safe_load((SHIPPED_DIR / "chime-support-1.0.yaml").read_text())
    data["title"] = "A quietly changed title"
    path = write(tmp_path / "chime.yaml", data)
    with pytest.raises(CommandError, match="nothing was loaded"):
        run("load", str(path))
    row = InstrumentVersion.objects.get(code="chime-support")
    assert row.title == "CHIME recovery support check"


def test_a_changed_definition_with_a_new_version_loads_beside_the_old(tmp_path):
    data = yaml.safe_load((SHIPPED_DIR / "chime-support-1.0.yaml").read_text())
    data["version"] = "1.1"
    out, _ = run("load", str(write(tmp_path / "chime.yaml", data)))
    assert "chime-support 1.1: loaded" in out
    assert InstrumentVersion.objects.filter(code="chime-support").count() == 2


def test_one_broken_file_loads_nothing_and_names_the_item_and_field(tmp_path):
    good = yaml.safe_load((SHIPPED_DIR / "chime-support-1.0.yaml").read_text())
    good["code"] = "new-check"
    broken = dict(good, code="broken-check")
    broken["items"] = [dict(good["items"][0], scale="agree7"), *good["items"][1:]]
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "instrument",
            "load",
            str(write(tmp_path / "good.yaml", good)),
            str(write(tmp_path / "broken.yaml", broken)),
            stderr=err,
        )
    assert (
        "broken.yaml: items[0] (code 'connectedness'): field 'scale': unknown scale 'agree7'"
        in (err.getvalue())
    )
    assert not InstrumentVersion.objects.filter(code__in=["new-check", "broken-check"]).exists()


def test_a_definition_with_a_table_file_loads_from_another_folder(tmp_path):
    shutil.copytree(SHIPPED_DIR, tmp_path / "copy")
    data = yaml.safe_load((tmp_path / "copy" / "swemwbs-1.0.yaml").read_text())
    data["version"] = "1.1"
    out, _ = run("load", str(write(tmp_path / "copy" / "swemwbs-1.1.yaml", data)))
    assert "swemwbs 1.1: loaded" in out


def test_a_text_pack_loads_against_its_version_and_a_bad_one_is_refused(tmp_path):
    out, _ = run("textpack", str(write(tmp_path / "pack.yaml", SWEMWBS_PACK)))
    assert "test-swemwbs-en" in out
    assert TextPack.objects.get().text_pack().item_text("useful") == "Test wording for useful"
    bad = dict(SWEMWBS_PACK, pack="bad-pack", items={"usefull": "x"})
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("instrument", "textpack", str(write(tmp_path / "bad.yaml", bad)), stderr=err)
    assert "unknown item 'usefull'" in err.getvalue()
    assert TextPack.objects.count() == 1


def test_list_says_which_instruments_need_a_pack(tmp_path):
    out, _ = run("list")
    assert "chime-support\t1.0\tCHIME recovery support check\tships wording" in out
    assert "swemwbs\t1.0" in out
    assert "NONE LOADED" in out


def test_the_instruments_page_shows_licence_notes_and_packs(client_for, tmp_path):
    run("textpack", str(write(tmp_path / "pack.yaml", SWEMWBS_PACK)))
    page = client_for("clinician").get("/measures/instruments/").content.decode()
    assert "Needs a text pack: loaded <code>test-swemwbs-en</code>" in page
    assert "Ships its own wording" in page
    assert "Licence required" in page


def test_import_response_reports_a_response_it_cannot_store_and_writes_nothing(personas, tmp_path):
    """A response dated in the future parses, but cannot be stored: the command says so."""
    import datetime as dt
    import json

    from django.utils import timezone

    from alongside.measures import actions, fhir
    from alongside.measures.models import Administration, AdministrationMode

    row = InstrumentVersion.objects.get(code="chime-support")
    given = actions.record_administration(
        by=personas.psw.user,
        service_user=personas.su_a,
        instrument_version=row,
        text_pack=None,
        administered_on=timezone.localdate(),
        mode=AdministrationMode.WITH_PSW,
        answers={"connectedness": 3, "hope": 2, "identity": 4, "meaning": 1, "empowerment": 3},
    )
    response = fhir.questionnaire_response(given)
    response["authored"] = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    path = tmp_path / "future.json"
    path.write_text(json.dumps(response))
    before = Administration.objects.count()
    with pytest.raises(CommandError, match="nothing was loaded"):
        run("import-response", str(path), "--as", personas.psw.user.username)
    assert Administration.objects.count() == before


def test_import_response_refuses_json_nested_too_deeply(personas, tmp_path):
    """Deep nesting overflows Python's JSON parser; the command names the file instead."""
    from alongside.measures.models import Administration

    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    before = Administration.objects.count()
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command(
            "instrument",
            "import-response",
            str(path),
            "--as",
            personas.psw.user.username,
            stdout=StringIO(),
            stderr=err,
        )
    assert Administration.objects.count() == before
    assert f"{path}: the JSON is nested too deeply" in err.getvalue()

"""The vendored htmx is the released file, unmodified, with its licence beside it."""

import hashlib
from pathlib import Path

HTMX = Path(__file__).resolve().parents[2] / "src/alongside/static/vendor/htmx"
# sha256 of dist/htmx.min.js in the npm package htmx.org@2.0.11
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"


def test_htmx_is_the_pinned_release():
    digest = hashlib.sha256((HTMX / "htmx-2.0.11.min.js").read_bytes()).hexdigest()
    assert digest == HTMX_SHA256


def test_htmx_licence_is_shipped():
    assert "Zero-Clause BSD" in (HTMX / "LICENSE").read_text()


def test_the_base_template_loads_the_pinned_file():
    base = Path(__file__).resolve().parents[2] / "src/alongside/templates/base.html"
    assert "vendor/htmx/htmx-2.0.11.min.js" in base.read_text()

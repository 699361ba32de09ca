"""Print how much the URL sweep (tests/integration/test_url_sweep.py) covers.

    .venv/bin/python scripts/sweep_size.py

URL names x personas: every named URL has a rule, and the sweep requests each as every persona
(one per role plus an outsider) and once signed out. docs/security.md quotes the figures.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.settings")
os.environ.setdefault("ALONGSIDE_ENV", "test")


def main() -> None:
    import django

    django.setup()
    from tests.integration.url_rules import sweep_size

    size = sweep_size()
    print(f"URL names:                    {size['url_names']}")
    print(f"URL names with a sweep rule:  {size['url_names_with_rules']}")
    print(f"personas (roles + outsider):  {size['personas']}")
    print(
        f"URL patterns x personas:      {size['url_names_with_rules']} x {size['personas']} = "
        f"{size['url_names_with_rules'] * size['personas']} "
        f"(+{size['url_names_with_rules']} signed out = {size['requests']} requests per sweep)"
    )
    print(f"of which allowed (URL, persona) pairs: {size['allowed_pairs']}")


if __name__ == "__main__":
    main()

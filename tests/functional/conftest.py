import os
from pathlib import Path

import pytest

from tests.functional.browser import PHONE

HERE = Path(__file__).parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(items):
    """Everything in this folder is a browser test.

    Marked `functional`, so that `make test` runs it in a pass of its own after the rest; run
    with real commits and restored from the serialized database before each test, since the
    database is emptied after each (the activity list, the audit chain head and the shipped
    instruments come from data migrations); skipped, saying why, without Debian's Chromium.
    """
    missing = pytest.mark.skip(
        reason=f"Chromium is not installed at {CHROMIUM}; `make browser` installs it (needs root)."
    )
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.functional)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
            if not os.path.exists(CHROMIUM):
                item.add_marker(missing)


@pytest.fixture
def phone(browser):
    """Opens a new phone-sized page, each in its own context so each person signs in alone."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport=PHONE)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def phone_page(phone):
    return phone()

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    """Everything in this folder is a browser test: marked `functional`, so `make test` runs it
    in a pass of its own after the rest, and restored from the serialized database before each
    test, since each one commits for real and the database is emptied after it (the activity
    list, the audit chain head and the shipped instruments come from data migrations)."""
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.functional)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))

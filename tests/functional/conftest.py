import pytest


def pytest_collection_modifyitems(items):
    """Browser tests need real commits, so their database is emptied afterwards; restore what
    the data migrations put there (the activity list, the audit chain head, the shipped
    instruments) so that later tests on the same worker find it."""
    for item in items:
        if item.get_closest_marker("functional"):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))

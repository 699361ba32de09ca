"""Keep personal data out of logs.

Django's request logger attaches the request object to error records, and its default handlers
can render POST data, cookies and query strings into mail or console output. This filter removes
the request and its query string from every record, so a log line holds only the path (which
carries record numbers, never names) and the message.
"""

import logging


class NoPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None:
            record.request = None
            record.path = getattr(request, "path", "")
        if isinstance(record.args, tuple):
            record.args = tuple(_strip_query(a) for a in record.args)
        record.msg = _strip_query(record.msg)
        return True


def _strip_query(value: object) -> object:
    if isinstance(value, str) and "?" in value:
        return value.split("?", 1)[0] + "?[query removed]"
    return value

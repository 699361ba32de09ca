"""gunicorn's access log, without secrets in paths.

A survey link carries its token in the path (`/measures/s/<token>/`, and the evaluation's
`/evaluation/survey/<token>/` and `/evaluation/invitation/<token>/`): anyone who reads the log
while the link is open could use it. The access log writes such paths with the token masked.
"""

import re
from typing import Any

from gunicorn.glogging import Logger

SECRET_PATHS = re.compile(r"(/measures/s/|/evaluation/survey/|/evaluation/invitation/)[^/]+")
MASK = r"\1[token]"


def mask_secrets(path: str) -> str:
    return SECRET_PATHS.sub(MASK, path)


class AccessLogger(Logger):  # type: ignore[misc]
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r", "q"):
            if isinstance(atoms.get(key), str):
                atoms[key] = mask_secrets(atoms[key])
        return atoms

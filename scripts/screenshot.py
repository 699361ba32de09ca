"""Take the README's screenshot from a real demo: load it in a throwaway data folder, serve it,
sign in as the demo PSW in Debian's Chromium and save the home page as a PNG.

Usage: python scripts/screenshot.py docs/screenshot.png
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADDRESS = "127.0.0.1:8765"


def wait_until_serving(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback only)
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"The demo did not start serving at {url} within {seconds} s.")


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "ALONGSIDE_DATA_DIR": data_dir, "ALONGSIDE_ENV": "development"}
        alongside = [sys.executable, "-m", "alongside"]
        subprocess.run([*alongside, "demo", "--no-serve"], env=env, check=True)  # noqa: S603
        server = subprocess.Popen([*alongside, "serve", "--bind", ADDRESS], env=env)  # noqa: S603
        try:
            wait_until_serving(f"http://{ADDRESS}/accounts/login/")
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                    args=CHROMIUM_ARGS,
                )
                page = browser.new_page(viewport={"width": 1100, "height": 760})
                page.goto(f"http://{ADDRESS}/")
                page.get_by_label("Username").fill("psw")
                page.get_by_label("Password").fill("alongside-demo")
                page.get_by_role("button", name="Sign in").click()
                page.get_by_role("heading", level=1).wait_for()
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out), full_page=False)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"Saved {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png"))

"""CI: the built wheel, installed in a clean venv away from the checkout, serves and exports.

Run by `.ci/run` with the clean venv's Python, in an empty folder: migrate a new SQLite
database, load the demo data, serve the sign-in page and a signed-in board over HTTP with
gunicorn, and export the seed's Word draft with the installed command line.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

HERE = Path.cwd()
BIN = Path(sys.executable).parent
PORT = int(os.environ.get("SMOKE_PORT", "5099"))
BASE = f"http://127.0.0.1:{PORT}"
ENV = {
    **os.environ,
    "SECRET_KEY": secrets.token_hex(32),
    "DATABASE_URL": f"sqlite:///{HERE / 'smoke.db'}",
    "FLASK_APP": "web",
}
ENV.pop("REDIS_URL", None)


def run(*args: str) -> str:
    done = subprocess.run(args, env=ENV, cwd=HERE, capture_output=True, text=True, timeout=600)
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def main() -> int:
    import web  # the installed package, not a checkout

    if "site-packages" not in web.__file__:
        sys.exit(f"web comes from {web.__file__}, not from the installed wheel")
    run(str(BIN / "flask"), "db", "upgrade")
    print(run(str(BIN / "flask"), "demo-data", "--if-empty").splitlines()[0])
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "1",
            "web:create_app()",
        ],
        env=ENV,
        cwd=HERE,
    )
    try:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        for _ in range(60):
            try:
                page = opener.open(f"{BASE}/konto/logga-in", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(1)
        else:
            sys.exit("the installed app never answered")
        assert "Logga in" in page, "the sign-in page has no heading"
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        token = token or re.search(r'name="csrf_token" value="([^"]+)"', page)
        form = {
            "csrf_token": token.group(1),
            "email": "karin.lindqvist@example.se",
            "password": "framsyn-demo-2026",
        }
        body = urllib.parse.urlencode(form).encode()
        opener.open(f"{BASE}/konto/logga-in", data=body, timeout=30).read()
        board = opener.open(f"{BASE}/tavla", timeout=30)
        html = board.read().decode()
        assert board.status == 200 and "Karin Lindqvist" in html, "the board is not signed in"
        print("served: sign-in page and a signed-in board")
    finally:
        server.terminate()
        server.wait(timeout=30)
    with sqlite3.connect(HERE / "smoke.db") as db:
        (idea,) = db.execute("SELECT id FROM project_idea WHERE title = 'FRAMSYN ESF'").fetchone()
    out = HERE / "framsyn.docx"
    run(str(BIN / "flask"), "export-docx", str(idea), str(out), "--appendix")
    with zipfile.ZipFile(out) as docx:
        text = docx.read("word/document.xml").decode()
    assert "FRAMSYN" in text and "Jämställdhet" in text, "the Word draft lacks its content"
    print(f"exported: {out.name}, {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())

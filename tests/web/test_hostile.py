"""Hostile input drills: every form and upload of the app, fed inputs meant to break it.

POST routes are read from the app's url_map, so a new form is covered without changes here;
field names are gathered from the pages' own forms. The drills expect zero 500s, no stored
script rendered unescaped, and no reads of another organisation's ideas.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterator

import pytest
from docx import Document
from sqlalchemy import select

from drafting.jobs.models import Job, JobKind, StoredFile
from drafting.revisions import get_or_create_draft, latest_revision, save_section
from pipeline.migrate import upgrade
from pipeline.models import Organisation, OrgType, ProjectIdea, Role, User
from pipeline.stages import Stage
from tests.conftest import private_schema
from tests.factories import make_idea
from tests.web.people import make_people, sign_in
from web import create_app, db

SCRIPT = '<script>alert("xss")</script>'
MARK = "hostile-marker-7f3a"

HOSTILE: list[str | bytes] = [
    # Script injection
    SCRIPT,
    f"{MARK}{SCRIPT}",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(document.cookie)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil.example></iframe>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "{{ 7*7 }}",
    "{% raw %}{{ config }}{% endraw %}",
    "${7*7}",
    "<%= 7*7 %>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<style>*{display:none}</style>",
    "<meta http-equiv=refresh content=0;url=//evil.example>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\u003cscript\u003ealert(1)\u003c/script\u003e",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "'';!--\"<XSS>=&{()}",
    # SQL metacharacters
    "' OR '1'='1",
    "' OR 1=1 --",
    "'; DROP TABLE user_account; --",
    '" OR ""="',
    "1; SELECT pg_sleep(5)",
    "1' UNION SELECT password_hash FROM user_account --",
    "%",
    "%%",
    "_",
    "\\",
    "\\'",
    "'",
    '"',
    "`",
    ";",
    "--",
    "/* */",
    "1 OR 1=1",
    "admin'--",
    "') OR ('a'='a",
    "%' AND 1=0 UNION SELECT NULL --",
    "$1",
    ":param",
    "?",
    # Numbers out of range and malformed
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "Infinity",
    "-0",
    "0x10",
    "1,5",
    "１２３",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "-2147483649",
    "2147483648",
    # Overlong fields
    "a" * 201,
    "a" * 5001,
    "å" * 20_000,
    "x " * 60_000,
    "\n" * 10_000,
    "@" * 300,
    ("a" * 250) + "@example.se",
    # Unicode oddities
    "\u202egnp.exe",
    "\u200b\u200b\u200b",
    "\ufeff",
    "\ud800",
    "😀" * 100,
    "Z̸̢̛̗a̷l̶g̴o̵",
    "ﷺ" * 50,
    "\r\n\r\nSet-Cookie: x=1",
    "line\rbreak",
    "tab\tseparated",
    # Null bytes and control characters
    "\x00",
    "abc\x00def",
    "\x00" * 50,
    "\x01\x02\x03\x1b[31m",
    "\x7f",
    # Invalid UTF-8 (sent as raw bytes)
    b"\xff\xfe",
    b"\xc3\x28",
    b"\xa0\xa1",
    b"\xe2\x28\xa1",
    b"\xf0\x28\x8c\xbc",
    b"\xed\xa0\x80",
    b"abc\xffdef",
    # Path traversal
    "../../../../etc/passwd",
    "..\\..\\..\\windows\\win.ini",
    "/etc/passwd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "....//....//etc/passwd",
    "file:///etc/passwd",
    # Header and format injection
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)",
    "@SUM(1+1)",
    "-2+3",
    "name@example.se\r\nBcc: victim@example.se",
    "%s%s%s%n",
    "{0.__class__}",
    # Type confusion
    "[]",
    "{}",
    "null",
    "true",
    "None",
    " ",
    "",
]

UPLOAD_NAMES = [
    "../../etc/passwd.docx",
    "..\\..\\boot.ini.docx",
    "a\x00b.docx",
    "/absolute/path.docx",
    f"{SCRIPT}.docx",
    "x" * 400 + ".docx",
    "CON.docx",
    "ansökan ✓.docx",
]

FILE_ROUTES = {"jobs.start_import"}
SLOW_ROUTES = {"jobs.start_export", "jobs.start_import", "jobs.recheck_call", "jobs.retry"}
AUTH_ROUTES = {
    "auth.login",
    "auth.forgot_password",
    "auth.accept_invitation",
    "auth.reset_password",
    "auth.change_password",
    "auth.logout",
    "auth.logout_everywhere",
}
# The forms that take most free text get every input; the rest a rotating quarter of them.
CORE_ROUTES = {
    "ideas.new",
    "ideas.edit",
    "ideas.comment",
    "drafts.save",
    "drafts.comment",
    "admin.organisation_new",
    "admin.user_invite",
    "admin.call_new",
}
NAME = re.compile(r'name="([A-Za-z0-9_\-]+)"')


def _value(raw: str | bytes) -> str | bytes:
    return raw


def _docx() -> bytes:
    document = Document()
    document.add_heading("Syfte", level=1)
    document.add_paragraph(f"Texten {SCRIPT}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class World:
    """Two organisations, each with an actor and an idea in drafting; plus admin and support."""

    def __init__(self, app) -> None:
        self.app = app
        self.people = make_people(app)
        with app.app_context():
            session = db.session()
            other = Organisation(name="Annan kommun", type=OrgType.KOMMUN)
            session.add(other)
            session.flush()
            outsider = User(
                name="Olle Utomstående",
                email="olle@example.se",
                role=Role.ACTOR,
                organisation=other,
                password_hash="x",
            )
            session.add(outsider)
            session.flush()
            mine = make_idea(session, session.get(User, self.people.actor), title="Vår idé")
            theirs = make_idea(session, outsider, title="Deras hemliga idé")
            for idea in (mine, theirs):
                idea.stage = Stage.DRAFTING
            session.flush()
            for idea, author in ((mine, self.people.actor), (theirs, outsider.id)):
                draft = get_or_create_draft(session, session.get(User, author), idea)
                save_section(session, session.get(User, author), draft, "syfte", "Start", None)
            session.commit()
            self.outsider = outsider.id
            self.mine, self.theirs = mine.id, theirs.id
            self.revision = latest_revision(session, draft, "syfte").id
            from drafting.jobs.models import Job

            self.job = session.scalars(select(Job.id)).first()
            self.call = session.scalars(select(ProjectIdea.call_id)).first()

    def fill(self, rule, idea_id: int) -> str:
        values = {
            "idea_id": idea_id,
            "key": "syfte",
            "principle": "jamstalldhet",
            "comment_id": 1,
            "revision_id": self.revision,
            "job_id": self.job or 1,
            "user_id": self.people.support,
            "org_id": self.people.organisation,
            "call_id": self.call or 1,
            "muni_id": 1,
            "project_id": idea_id,
            "example_id": 1,
            "token": "forged.token.value",
        }
        return (
            rule.rule.replace("<int:", "<").format_map({})
            if False
            else re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
        )


def _post_rules(app) -> list:
    return sorted(
        (r for r in app.url_map.iter_rules() if "POST" in r.methods),
        key=lambda r: r.rule,
    )


def _field_names(client, world: World) -> list[str]:
    """Every input name on the pages that hold the app's forms."""
    pages = [
        "/ideer/ny",
        f"/ideer/{world.mine}",
        f"/ideer/{world.mine}/andra",
        f"/ideer/{world.mine}/ansokan",
        f"/ideer/{world.mine}/ansokan/avsnitt/syfte",
        f"/jobb/ide/{world.mine}/word",
        "/admin/organisationer/ny",
        "/admin/anvandare/bjud-in",
        f"/admin/anvandare/{world.people.support}",
        "/admin/utlysningar/ny",
        "/admin/kommuner/ny",
        "/regionala-projekt",
        "/konto/losenord",
    ]
    names: set[str] = set()
    for page in pages:
        names.update(NAME.findall(client.get(page).get_data(as_text=True)))
    names.discard("csrf_token")
    return sorted(names)


def _encode(fields: list[str], raw: str | bytes) -> bytes:
    """A urlencoded body giving every field `raw` (bytes go through unchanged: invalid UTF-8)."""
    return _encoded(tuple(fields), raw)


@functools.cache
def _encoded(fields: tuple[str, ...], raw: str | bytes) -> bytes:
    # Percent-encoding the long inputs is slow in pure Python: once per input, not per field
    # and route.
    from urllib.parse import quote_from_bytes

    value = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
    quoted = quote_from_bytes(value)
    return "&".join(f"{name}={quoted}" for name in fields).encode()


def _make_app(url: str, tmp_path, **extra):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "REDIS_URL": None,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            **extra,
        }
    )
    app.instance_path = str(tmp_path / "instance")
    return app


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hostile_app(request, tmp_path, sqlite_url) -> Iterator:
    """An app on a fresh database: SQLite, or a new PostgreSQL schema (NUL bytes differ)."""
    if request.param == "sqlite":
        app = _make_app(sqlite_url, tmp_path)
        yield app
        app.extensions["framsyn.engine"].dispose()
        return
    with private_schema("h") as url:
        upgrade(url)
        app = _make_app(url, tmp_path)
        yield app
        app.extensions["framsyn.engine"].dispose()


def test_the_list_is_long_enough() -> None:
    assert len(HOSTILE) >= 100
    assert len(set(HOSTILE)) == len(HOSTILE)


def test_every_post_route_survives_every_hostile_input(hostile_app) -> None:
    app = hostile_app
    world = World(app)
    client = sign_in(app, app.test_client(), world.people.admin)
    fields = _field_names(client, world)
    assert {"title", "text", "body", "name", "email"} <= set(fields)
    failures: list[str] = []
    rules = _post_rules(app)
    assert len(rules) >= 30
    for rule in rules:
        if rule.endpoint in FILE_ROUTES:
            continue
        if rule.endpoint in SLOW_ROUTES | AUTH_ROUTES:
            inputs = HOSTILE[::9]
        elif rule.endpoint in CORE_ROUTES:
            inputs = HOSTILE
        else:
            inputs = HOSTILE[rules.index(rule) % 4 :: 4]
        url = world.fill(rule, world.mine)
        for raw in inputs:
            if rule.endpoint in {"auth.logout", "auth.logout_everywhere"}:
                continue  # they sign the drill's admin out
            response = client.post(
                url, data=_encode(fields, raw), content_type="application/x-www-form-urlencoded"
            )
            if response.status_code >= 500:
                failures.append(f"{rule.endpoint} {raw[:40]!r}: {response.status_code}")
    assert failures == []


def test_stored_scripts_are_never_rendered_unescaped(hostile_app) -> None:
    app = hostile_app
    world = World(app)
    client = sign_in(app, app.test_client(), world.people.admin)
    fields = _field_names(client, world)
    payloads = [p for p in HOSTILE if isinstance(p, str) and "<" in p and len(p) < 200]
    for rule in _post_rules(app):
        if rule.endpoint in FILE_ROUTES | SLOW_ROUTES | AUTH_ROUTES:
            continue
        for raw in payloads:
            client.post(world.fill(rule, world.mine), data=dict.fromkeys(fields, raw))
    pages = [
        "/",
        "/tavla",
        "/ideer",
        f"/ideer/{world.mine}",
        f"/ideer/{world.mine}/ansokan",
        f"/ideer/{world.mine}/ansokan/avsnitt/syfte",
        f"/ideer/{world.mine}/ansokan/jamfor",
        f"/jobb/ide/{world.mine}/word",
        "/admin/anvandare",
        "/admin/organisationer",
        "/admin/utlysningar",
        "/admin/kommuner",
        "/admin/logg",
        "/regionala-projekt",
    ]
    with app.app_context():
        ideas = db.session().scalars(select(ProjectIdea.id)).all()
    pages += [f"/ideer/{i}" for i in ideas]
    stored_somewhere = False
    for page in pages:
        body = client.get(page).get_data(as_text=True)
        assert response_ok(body), page
        stored_somewhere |= "&lt;script&gt;" in body
        for raw in payloads:
            if re.search(r"<(script|img|svg|iframe|body|details|style|meta|math)\b", raw, re.I):
                assert raw not in body, (page, raw)
    assert stored_somewhere  # the drill did store hostile text, and it came back escaped


def response_ok(body: str) -> bool:
    return "Internal Server Error" not in body


def test_hostile_upload_names_are_kept_as_data(hostile_app) -> None:
    app = hostile_app
    world = World(app)
    client = sign_in(app, app.test_client(), world.people.actor)
    data = _docx()
    accepted = 0
    for name in UPLOAD_NAMES:
        response = client.post(
            f"/jobb/ide/{world.mine}/import",
            data={
                "import-document": (io.BytesIO(data), name),
                "import-unmatched_target": "syfte",
            },
            content_type="multipart/form-data",
        )
        assert response.status_code in (302, 400), name
        accepted += response.status_code == 302
    for payload in (b"", b"PK\x03\x04" + b"\x00" * 100, b"\xff" * 5000, b"<?xml version='1.0'?>"):
        response = client.post(
            f"/jobb/ide/{world.mine}/import",
            data={"import-document": (io.BytesIO(payload), "../x.docx")},
            content_type="multipart/form-data",
        )
        assert response.status_code in (400, 413), payload[:10]
    with app.app_context():
        session = db.session()
        names = session.scalars(select(StoredFile.name)).all()
        imports = session.scalars(select(Job).where(Job.kind == JobKind.IMPORT)).all()
    assert len(imports) == accepted >= len(UPLOAD_NAMES) - 2  # names are data, never paths
    assert all(len(n) <= 255 for n in names)


def test_forged_and_missing_csrf_tokens_are_refused(tmp_path, sqlite_url) -> None:
    app = _make_app(sqlite_url, tmp_path, WTF_CSRF_ENABLED=True)
    try:
        world = World(app)
        client = sign_in(app, app.test_client(), world.people.admin)
        client.get("/")  # a session exists
        forged = ["", "forged", "x" * 5000, "IjEyMyI.forged.sig", "../../", "\x00", SCRIPT]
        for rule in _post_rules(app):
            url = world.fill(rule, world.mine)
            for token in forged:
                response = client.post(url, data={"csrf_token": token, "title": "Kapad"})
                assert response.status_code == 400, (rule.endpoint, token)
                assert "<script>" not in response.get_data(as_text=True)
        with app.app_context():
            assert (
                not db.session()
                .scalars(select(ProjectIdea).where(ProjectIdea.title == "Kapad"))
                .all()
            )
    finally:
        app.extensions["framsyn.engine"].dispose()


def test_another_organisations_ids_read_nothing(hostile_app) -> None:
    app = hostile_app
    world = World(app)
    client = sign_in(app, app.test_client(), world.people.actor)
    secret = "Deras hemliga idé"
    gets = [
        r
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and "idea_id" in r.arguments and r.endpoint != "static"
    ]
    assert len(gets) >= 4
    for rule in gets:
        response = client.get(world.fill(rule, world.theirs))
        assert response.status_code in (403, 404), rule.endpoint
        assert secret not in response.get_data(as_text=True), rule.endpoint
    for rule in _post_rules(app):
        if "idea_id" not in rule.arguments and "project_id" not in rule.arguments:
            continue
        response = client.post(
            world.fill(rule, world.theirs), data={"text": "intrång", "body": "intrång"}
        )
        assert response.status_code in (400, 403, 404), rule.endpoint
        assert secret not in response.get_data(as_text=True), rule.endpoint
    # Lists, the board and searches do not show it either.
    for page in ("/", "/ideer", "/tavla", "/ideer?q=hemliga", "/tavla?q=hemliga"):
        assert secret not in client.get(page).get_data(as_text=True), page
    with app.app_context():
        from drafting.models import SectionRevision

        texts = db.session().scalars(select(SectionRevision.text)).all()
    assert "intrång" not in texts


def test_hostile_query_strings_and_paths(hostile_app) -> None:
    app = hostile_app
    world = World(app)
    client = sign_in(app, app.test_client(), world.people.admin)
    from urllib.parse import quote_from_bytes

    paths = ["/tavla", "/ideer", "/admin/logg", "/rapporter", "/regionala-projekt"]
    params = ["q", "skede", "kommun", "org", "sida", "sortera", "ordning", "person", "fran", "ide"]
    for raw in HOSTILE[::3]:
        value = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
        query = "&".join(f"{p}={quote_from_bytes(value)}" for p in params)
        for path in paths:
            response = client.get(f"{path}?{query}")
            assert response.status_code < 500, (path, raw[:30])
    for path in ("/ideer/%FF", "/ideer/..%2f..%2fetc", "/jobb/0/fil", "/ideer/99999999999999"):
        assert client.get(path).status_code in (404, 405), path

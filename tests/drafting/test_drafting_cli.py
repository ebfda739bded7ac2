"""The command line: text and Word input, JSON output and exit codes."""

from __future__ import annotations

import io
import json
from importlib import resources
from pathlib import Path

import pytest
from docx import Document

from drafting.cli import main

SEED = resources.files("drafting") / "corpus" / "seed_framsyn_esf.txt"
GOOD = (
    "Bakgrund och problemanalys\n\nKönsuppdelad statistik visar att fler kvinnor än män är "
    "långtidsarbetslösa. En tillgänglighetsinventering visade att lokalerna saknar hörslinga. "
    "Vi har kartlagt risker för diskriminering i anvisningen till praktik.\n"
)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_txt_in_swedish_with_findings(tmp_path: Path) -> None:
    path = tmp_path / "utkast.txt"
    path.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run("check", str(path), "--template", "esf_2007")
    assert code == 1  # likabehandling is only mentioned
    assert "Jämställdhet: Konkret" in out
    assert "Likabehandling och icke-diskriminering: Nämns" in out
    assert "varning" in out and err == ""


def test_english_output(tmp_path: Path) -> None:
    path = tmp_path / "draft.txt"
    path.write_text("Sammanfattning\n\nEtt projekt.\n", encoding="utf-8")
    code, out, _ = run("check", str(path), "--lang", "en")
    assert code == 1
    assert "Gender equality: Absent" in out and "error" in out


def test_json_lines_schema_and_exit_zero(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(GOOD, encoding="utf-8")
    second.write_text(GOOD.replace("\n", "\r\n"), encoding="cp1252")
    code, out, _ = run("check", str(first), str(second), "--json")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["file"] for r in records] == [str(first), str(second)]
    for record in records:
        assert set(record) == {"file", "levels", "findings", "evidence"}
        assert record["levels"] == {
            "jamstalldhet": "concrete",
            "tillganglighet": "concrete",
            "likabehandling": "concrete",
        }
        for finding in record["findings"]:
            assert {"rule_id", "severity", "message_sv", "message_en", "section"} <= set(finding)


def test_principles_option(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(GOOD, encoding="utf-8")
    code, out, _ = run("check", str(path), "--json", "--principles", "jamstalldhet,miljo")
    assert json.loads(out)["levels"] == {"jamstalldhet": "concrete", "miljo": "absent"}
    assert code == 0


def test_docx_with_heading_styles(tmp_path: Path) -> None:
    document = Document()
    document.add_heading("Sammanfattning", level=1)
    document.add_paragraph("Projektet ger unga vuxna arbete.")
    document.add_heading("Jämställdhet", level=2)
    document.add_paragraph("Fler unga män än unga kvinnor avbryter gymnasiet i kommunen.")
    document.add_paragraph("Vårt jämställdhetsmål följs upp könsuppdelat varje kvartal.")
    path = tmp_path / "utkast.docx"
    document.save(str(path))
    code, out, _ = run("check", str(path), "--json")
    record = json.loads(out)
    assert record["levels"]["jamstalldhet"] == "concrete"
    assert record["levels"]["tillganglighet"] == "absent"
    assert code == 1


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really a zip", b"\x00\x01\x02binary"])
def test_unreadable_file_is_exit_two_without_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / ("trasig.docx" if content.startswith(b"PK") else "trasig.txt")
    path.write_bytes(content)
    code, out, err = run("check", str(path))
    assert code == 2 and out == ""
    assert err.startswith(f"drafting: cannot read {path}:") and "Traceback" not in err


def test_missing_file_is_exit_two(tmp_path: Path) -> None:
    code, _, err = run("check", str(tmp_path / "finns-inte.txt"))
    assert code == 2 and "no such file" in err

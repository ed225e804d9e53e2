"""An issued document is in the case's dossier: its entry names the hash of the frozen content, and
the dossier carries those exact bytes, so the offline verifier passes — and fails on one change."""

import zipfile

import pytest

from sanxiang import dossier_verify
from sanxiang.documents import services
from sanxiang.records import dossier
from tests.documents.helpers import general_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_keys(settings, tmp_path_factory):
    settings.SANXIANG_KEY_DIR = tmp_path_factory.getbasetemp() / "keys"


def verdict(path, capsys) -> tuple[int, str]:
    code = dossier_verify.main([str(path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_dossier_of_a_case_with_an_issued_document_verifies(world, tmp_path, capsys):
    case = general_case(world)
    document = services.issue(case, "penalty_decision", actor=world.officer)
    path = dossier.write(case, exported_by="test", path=tmp_path / "d.zip")
    code, out = verdict(path, capsys)
    assert code == 0 and out.startswith(f"OK: case {case.number}"), out
    name = f"files/{document.sha256}.json"
    with zipfile.ZipFile(path) as archive:
        assert name in archive.namelist()
        assert "行政处罚决定书".encode() in archive.read(name) or document.number.encode() in archive.read(
            name
        )
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info, data.replace(b"}", b" }", 1) if info.filename == name else data)
    code, out = verdict(bad, capsys)
    assert code != 0 and name in out, out

"""Loading and importing content: upserts, one transaction, the audit log, the CLI."""

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.knowledge.content import Content, ContentError
from bot.knowledge.schema import parse
from bot.knowledge.service import CONTENT_DIR, KnowledgeService
from storage.audit import AuditRepository
from tests.knowledge_support import NEW_LIST, loaded

ROOT = Path(__file__).resolve().parent.parent
UPHOLD = "Uphold principles and discipline; leaders set an example"


def _without_ids(entity: object) -> object:
    if hasattr(entity, "items"):
        entity = dataclasses.replace(
            entity, items=tuple(dataclasses.replace(i, id=0, list_id=0) for i in entity.items))
    return dataclasses.replace(entity, id=0)


async def _counts(knowledge: KnowledgeService) -> tuple[int, ...]:
    tables = ("kb_documents", "kb_lists", "kb_items", "kb_conferences", "kb_links", "kb_search")
    return tuple([(await knowledge.db.fetchone(f"SELECT COUNT(*) FROM {t}"))[0] for t in tables])


async def test_the_shipped_files_survive_the_round_trip(tmp_path: Path) -> None:
    content = Content()
    for path in sorted(CONTENT_DIR.glob("*/*.yaml")):
        content.add(parse(path.read_bytes(), path.name))
    async with loaded(tmp_path / "kb.sqlite3") as knowledge:
        documents = {d.code: _without_ids(d) for d in await knowledge.documents()}
        lists = {tl.slug: _without_ids(tl) for tl in await knowledge.item_lists()}
        conferences = {c.slug: _without_ids(c) for c in await knowledge.conferences()}
    assert documents == {d.code: d for d in content.documents}
    assert lists == {tl.slug: tl for tl in content.lists}
    assert conferences == {c.slug: c for c in content.conferences}


async def test_editing_a_file_and_restarting_updates_the_bot(tmp_path: Path) -> None:
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    six = tmp_path / "content" / "lists" / "six-key-tasks.yaml"
    async with loaded(tmp_path / "kb.sqlite3", tmp_path / "content") as knowledge:
        before = (await knowledge.well_known("six-key-tasks")).item_list
        six.write_text(six.read_text("utf-8").replace(
            "Review mid-term implementation", "Review the mid-term implementation"), "utf-8")
        stored = await knowledge.load_builtin()
        after = (await knowledge.well_known("six-key-tasks")).item_list
        found = await knowledge.search("Review the mid-term implementation")
        again = await knowledge.load_builtin()
    assert after.items[0].title.en.startswith("Review the mid-term implementation")
    assert [i.id for i in after.items] == [i.id for i in before.items]  # buttons keep working
    assert ("list", "six-key-tasks") in stored.replaced and not stored.added
    assert found.found[0].id == after.items[0].id
    assert (len(again.added), len(again.replaced)) == (0, 43)


async def test_an_import_adds_and_links_and_is_audited(tmp_path: Path) -> None:
    async with loaded(tmp_path / "kb.sqlite3") as knowledge:
        stored = await knowledge.import_file(NEW_LIST.encode(), "new.yaml", actor_id=1001)
        (found,) = await knowledge.find_lists("nhiem vu 2025")
        view = await knowledge.item_list(found.id)
        document = (await knowledge.find_documents("39"))[0]
        linked = (await knowledge.document(document.id)).lists
        audit = await AuditRepository(knowledge.db).recent()
        hits = await knowledge.search("chuan bi dai hoi")
    assert stored.added == (("list", "tasks-2025"),) and stored.count == 1
    assert [c.key for c in view.conferences] == ["hungyen-2023-01-13-party-building"]
    assert "tasks-2025" in [ref.key for ref in linked]  # declared by the list, read both ways
    assert view.item_list.items[1].title.vi is None  # shown in English, with a note
    assert [(a.actor_id, a.action, a.target, a.details) for a in audit[:1]] == [
        (1001, "import", "list:tasks-2025", "added from new.yaml")]
    assert [(f.kind, f.label) for f in hits.found] == [("item", "1")]


async def test_an_import_replaces_and_a_restart_keeps_it(tmp_path: Path) -> None:
    text = (CONTENT_DIR / "lists" / "six-key-tasks.yaml").read_text("utf-8")
    shorter = text[: text.index("- number: '3'")]  # only the first two tasks
    async with loaded(tmp_path / "kb.sqlite3") as knowledge:
        sixth = (await knowledge.well_known("six-key-tasks")).item_list.items[5]
        assert sixth.id in [f.id for f in (await knowledge.search(UPHOLD)).found]
        stored = await knowledge.import_file(shorter, "six.yaml", actor_id=1001)
        restarted = await knowledge.load_builtin()
        view = await knowledge.well_known("six-key-tasks")
        assert sixth.id not in [f.id for f in (await knowledge.search(UPHOLD)).found]
        assert await knowledge.item(sixth.id) is None  # its old button says so
    assert stored.replaced == (("list", "six-key-tasks"),)
    assert restarted.kept == (("list", "six-key-tasks"),)
    assert [item.number for item in view.item_list.items] == ["1", "2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (NEW_LIST.replace("conference: hungyen", "conference: hanoi"),
         "new.yaml, line 5: conference names the conference hanoi-2023-01-13-party-building,"
         " which does not exist."),
        (NEW_LIST.replace("[39-NQ/TW]", "[39/NQ-TW]"),
         "new.yaml, line 6: documents[1] names the document 39/NQ-TW; write its code as "
         "39-NQ/TW."),
        (NEW_LIST.replace("[39-NQ/TW]", "[40-NQ/TW]"),
         "new.yaml, line 6: documents[1] names the document 40-NQ/TW, which does not exist."),
        ("code: 39/NQ-TW\nkind: resolution\ntitle: {en: Again}\n",
         "new.yaml, line 1: The code 39/NQ-TW is another spelling of 39-NQ/TW"),
        ("lists:\n- " + NEW_LIST.replace("\n", "\n  ").rstrip() + "\n- id: broken\n",
         "new.yaml, line 13: lists[2].items is missing."),
    ],
)
async def test_a_bad_import_changes_nothing(tmp_path: Path, text: str, message: str) -> None:
    async with loaded(tmp_path / "kb.sqlite3") as knowledge:
        before = await _counts(knowledge)
        with pytest.raises(ContentError) as caught:
            await knowledge.import_file(text.encode(), "new.yaml", actor_id=1001)
        assert await _counts(knowledge) == before
        assert await knowledge.find_lists("tasks-2025") == []
        assert [a.action for a in await AuditRepository(knowledge.db).recent()] == []
    assert str(caught.value).startswith(message)


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "ADMIN_IDS"}}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=tmp_path, capture_output=True, text=True,
        env={**clean, "PYTHONPATH": str(ROOT), "DATABASE_PATH": str(tmp_path / "kb.sqlite3")},
        timeout=60,
    )


def test_the_command_line_imports_a_file(tmp_path: Path) -> None:
    (tmp_path / "new.yaml").write_text(NEW_LIST, "utf-8")
    imported = _cli(tmp_path, "import", "new.yaml")
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == "new.yaml: 1 added, 0 replaced\n  list tasks-2025: added\n"


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("bad.yaml", "committee-bot: bad.yaml, line 4: date must be a date written like "
                     "2023-07-18, not 10/01/2025.\n"),
        ("nowhere.yaml", "committee-bot: [Errno 2] No such file or directory: 'nowhere.yaml'\n"),
    ],
)
def test_the_command_line_names_the_error_and_exits_with_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    name: str, error: str,
) -> None:
    (tmp_path / "bad.yaml").write_text(NEW_LIST.replace("date: 2025-01-10", "date: 10/01/2025"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "kb.sqlite3"))
    with pytest.raises(SystemExit) as exited:
        main(["import", name])
    assert exited.value.code == 2
    assert capsys.readouterr().err == error


async def test_a_database_loaded_by_an_earlier_version_takes_the_renamed_codes(
    tmp_path: Path,
) -> None:
    """Codes once shipped unmarked (138-QD/TW) and files since removed leave nothing behind:
    the start does not refuse 138-QĐ/TW as another spelling of a code it no longer ships."""
    old = tmp_path / "old"
    shutil.copytree(CONTENT_DIR, old)
    code = old / "documents" / "138-qd-tw.yaml"
    code.write_text(code.read_text("utf-8").replace("code: 138-QĐ/TW", "code: 138-QD/TW"),
                    "utf-8")
    for path in old.glob("*/*.yaml"):
        path.write_text(path.read_text("utf-8").replace("- 138-QĐ/TW\n", "- 138-QD/TW\n"),
                        "utf-8")
    (old / "documents" / "gone.yaml").write_text(
        "code: QD-137-BBT\nkind: decision\ntitle: {vi: Quyết định 137}\n", "utf-8")
    async with loaded(tmp_path / "kb.sqlite3", old) as knowledge:
        assert {d.code for d in await knowledge.find_documents("138")} == {"138-QD/TW"}
        await knowledge.import_file(NEW_LIST, "new.yaml", actor_id=None)
        knowledge.content_dir = CONTENT_DIR
        await knowledge.load_builtin()
        codes = {d.code for d in await knowledge.documents()}
        assert "138-QĐ/TW" in codes and not {"138-QD/TW", "QD-137-BBT"} & codes
        assert [d.code for d in await knowledge.find_documents("138")] == ["138-QĐ/TW"]
        assert (await knowledge.search("Quyết định 137")).found[0].label == ""
        assert await knowledge.find_lists("tasks-2025")  # what an admin imported stays

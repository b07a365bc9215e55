"""An encrypted journal (the SQLCipher extra): converted whole, locked, never leaked."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest

from peerjournal import db, drafts, encryption
from peerjournal.errors import DatabaseError
from tests.conftest import RunCli, create_journal

PASSPHRASE = "correct horse battery"
MARKER = "zebracrossing"  # a word that must never be found in plain text on disk


def entries(run: RunCli) -> list[dict[str, Any]]:
    result = run("list", "--json", "-n", "0")
    assert result.exit_code == 0, result.output
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def log(run: RunCli, note: str, *more: str) -> None:
    result = run("log", "--note", note, "--rate", "empathy=4", "--no-input", *more)
    assert result.exit_code == 0, result.output


def plain_text_files(folder: Path, word: str) -> list[Path]:
    """Every file under `folder` holding `word` as bytes (as `grep -r` would find it)."""
    return [p for p in folder.rglob("*") if p.is_file() and word.encode() in p.read_bytes()]


def encrypted_journal(run: RunCli, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    """Two entries, then `encrypt`; returns what encrypt said."""
    log(run, f"We talked about the {MARKER} near her flat", "--tag", "warmline")
    log(run, "Second call, about sleep", "--peer", "R.")
    monkeypatch.setenv(encryption.ENV_PASSPHRASE, PASSPHRASE)
    result = run("encrypt", *args)
    assert result.exit_code == 0, result.output
    return result.stderr.replace("\n", "")


def test_encrypt_keeps_every_entry_and_locks_the_file(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    log(run, f"We talked about the {MARKER} near her flat", "--tag", "warmline")
    log(run, "Second call, about sleep", "--peer", "R.")
    before = entries(run)
    monkeypatch.setenv(encryption.ENV_PASSPHRASE, PASSPHRASE)

    result = run("encrypt")
    assert result.exit_code == 0, result.output
    assert "now encrypted" in result.stderr
    assert "removed" in result.stderr

    journal = journal_home / "journal.db"
    assert entries(run) == before
    assert plain_text_files(journal_home, MARKER) == []
    assert not list(journal_home.glob("journal.plain-*"))
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    conn = sqlite3.connect(journal)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        conn.execute("SELECT count(*) FROM entry")
    conn.close()


def test_every_command_works_with_the_passphrase(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    encrypted_journal(run, monkeypatch)
    log(run, "Third call, a new one after encrypting")
    assert len(entries(run)) == 3

    found = run("search", MARKER, "--json")
    assert found.exit_code == 0, found.output
    assert [hit["tags"] for hit in json.loads(found.stdout)] == [["warmline"]]

    review = run("review")
    assert review.exit_code == 0, review.output
    assert "Empathy" in review.stdout

    shown = run("show", "3", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["what_happened"] == "Third call, a new one after encrypting"
    assert plain_text_files(journal_home, "new one after encrypting") == []


def test_a_wrong_passphrase_is_one_plain_sentence_and_the_file_is_untouched(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    encrypted_journal(run, monkeypatch)
    db.dispose_engines()
    journal = journal_home / "journal.db"
    before = journal.read_bytes()

    # A real process: SQLCipher's own logging would go straight to file descriptor 2.
    done = subprocess.run(
        [sys.executable, "-m", "peerjournal", "list"],
        env={**os.environ, encryption.ENV_PASSPHRASE: "not the passphrase"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip() == (
        f"Error: The passphrase does not open the journal {journal}; it was left untouched. "
        "Check the passphrase and try again."
    )
    assert "ERROR CORE" not in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert journal.read_bytes() == before
    assert sorted(p.name for p in journal_home.iterdir()) == ["journal.db"]


def test_no_passphrase_away_from_a_terminal_is_a_plain_error(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    encrypted_journal(run, monkeypatch)
    monkeypatch.delenv(encryption.ENV_PASSPHRASE)
    for command in (["list"], ["review"], ["search", "sleep"], ["backup"]):
        result = run(*command)
        assert result.exit_code == 1, result.output
        assert "cannot be opened without a passphrase" in result.stderr
        assert "PEERJOURNAL_PASSPHRASE" in result.stderr
    result = run("log", "--note", "words", "--no-input")
    assert result.exit_code == 1, result.output
    assert "cannot be opened without a passphrase" in result.stderr


def test_a_draft_of_an_encrypted_journal_is_not_in_plain_text(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    encrypted_journal(run, monkeypatch)
    monkeypatch.setattr("peerjournal.cli.log.at_a_terminal", lambda: True)
    # when, feeling, kind, minutes, peer, then the first reflection answer; input ends there.
    result = run("log", input=f"\n\nphone\n20\n\nShe told me about the {MARKER} again\n")
    assert result.exit_code == 130, result.output
    assert "draft.db" in result.stderr

    assert plain_text_files(journal_home, MARKER) == []
    assert not (journal_home / "draft.json").exists()
    sealed = journal_home / "draft.db"
    assert stat.S_IMODE(sealed.stat().st_mode) == 0o600
    assert encryption.looks_encrypted(sealed)

    # The next log offers it back, whole.
    kept = drafts.load(sealed)
    assert kept is not None
    assert kept.what_happened == f"She told me about the {MARKER} again"


def test_drafts_waiting_when_the_journal_is_encrypted_are_locked_too(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    log(run, "An entry so there is a journal")
    drafts.save(drafts.Draft(what_happened=f"unfinished {MARKER}"))
    assert (journal_home / "draft.json").exists()
    monkeypatch.setenv(encryption.ENV_PASSPHRASE, PASSPHRASE)

    result = run("encrypt")
    assert result.exit_code == 0, result.output
    assert "unfinished entries were locked" in result.stderr
    assert plain_text_files(journal_home, MARKER) == []
    kept = drafts.load(journal_home / "draft.db")
    assert kept is not None and kept.what_happened == f"unfinished {MARKER}"


def test_a_backup_of_an_encrypted_journal_is_encrypted_and_restores(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, journal_home: Path, tmp_path: Path
) -> None:
    encrypted_journal(run, monkeypatch)
    made = run("backup", str(tmp_path / "copy.db"))
    assert made.exit_code == 0, made.output
    backup = tmp_path / "copy.db"
    assert encryption.looks_encrypted(backup)
    assert plain_text_files(tmp_path, MARKER) == []
    saved = entries(run)

    log(run, "An entry after the backup")
    assert len(entries(run)) == 3
    restored = run("restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert entries(run) == saved
    assert encryption.looks_encrypted(journal_home / "journal.db")
    # The journal it replaced is kept, and locked as it was.
    kept = list(journal_home.glob("journal.before-restore.*"))
    assert len(kept) == 1 and encryption.looks_encrypted(kept[0])
    assert plain_text_files(journal_home, "after the backup") == []

    monkeypatch.setenv(encryption.ENV_PASSPHRASE, "another passphrase")
    refused = run("restore", str(backup))
    assert refused.exit_code == 1, refused.output
    assert "passphrase does not open" in refused.stderr


def test_an_encrypted_backup_restored_into_a_plain_journal_names_the_backup(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = str(tmp_path / "laptop.db")
    monkeypatch.setenv(encryption.ENV_PASSPHRASE, PASSPHRASE)
    assert run("--db", other, "log", "--note", "On the old laptop", "--no-input").exit_code == 0
    assert run("--db", other, "encrypt").exit_code == 0
    assert run("--db", other, "backup", str(tmp_path / "copy.db")).exit_code == 0
    monkeypatch.delenv(encryption.ENV_PASSPHRASE)
    log(run, "On the new laptop")

    refused = run("restore", str(tmp_path / "copy.db"))
    assert refused.exit_code == 1, refused.output
    assert f"{tmp_path / 'copy.db'} cannot be opened without a passphrase" in refused.stderr
    assert ".restore-" not in refused.stderr

    monkeypatch.setenv(encryption.ENV_PASSPHRASE, PASSPHRASE)
    restored = run("restore", str(tmp_path / "copy.db"))
    assert restored.exit_code == 0, restored.output
    assert [e["what_happened"] for e in entries(run)] == ["On the old laptop"]


def test_a_plain_backup_restored_into_an_encrypted_journal_stays_locked(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, journal_home: Path, tmp_path: Path
) -> None:
    log(run, f"Before encrypting: {MARKER}")
    assert run("backup", str(tmp_path / "plain.db")).exit_code == 0
    monkeypatch.setenv(encryption.ENV_PASSPHRASE, PASSPHRASE)
    assert run("encrypt").exit_code == 0
    log(run, "After encrypting")

    result = run("restore", str(tmp_path / "plain.db"))
    assert result.exit_code == 0, result.output
    assert [e["what_happened"] for e in entries(run)] == [f"Before encrypting: {MARKER}"]
    assert encryption.looks_encrypted(journal_home / "journal.db")
    assert plain_text_files(journal_home, MARKER) == []


def test_encrypt_refuses_a_journal_that_is_already_encrypted(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    encrypted_journal(run, monkeypatch)
    db.dispose_engines()
    journal = journal_home / "journal.db"
    before = journal.read_bytes()
    result = run("encrypt")
    assert result.exit_code == 1, result.output
    assert "already encrypted" in result.stderr
    assert journal.read_bytes() == before


def test_keep_plain_keeps_a_private_unencrypted_copy(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    said = encrypted_journal(run, monkeypatch, "--keep-plain")
    kept = list(journal_home.glob("journal.plain-*.db"))
    assert len(kept) == 1
    assert str(kept[0]) in said
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    conn = sqlite3.connect(kept[0])
    assert conn.execute("SELECT count(*) FROM entry").fetchone() == (2,)
    conn.close()
    assert not encryption.looks_encrypted(kept[0])
    assert encryption.looks_encrypted(journal_home / "journal.db")


def test_encrypt_asks_for_a_passphrase_it_can_use(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    log(run, "An entry")
    result = run("encrypt")
    assert result.exit_code == 1, result.output
    assert "needs a passphrase" in result.stderr
    monkeypatch.setenv(encryption.ENV_PASSPHRASE, "short")
    result = run("encrypt")
    assert result.exit_code == 1, result.output
    assert "too short" in result.stderr
    assert not encryption.looks_encrypted(journal_home / "journal.db")


def test_without_sqlcipher_encrypt_says_how_to_install_it(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    log(run, "An entry")
    monkeypatch.setenv(encryption.ENV_PASSPHRASE, PASSPHRASE)
    monkeypatch.setattr(encryption, "available", lambda: False)
    result = run("encrypt")
    assert result.exit_code == 1, result.output
    assert "pip install 'peerjournal[encrypted]'" in result.stderr
    assert not encryption.looks_encrypted(journal_home / "journal.db")


def test_an_encrypted_journal_without_sqlcipher_says_how_to_install_it(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    encrypted_journal(run, monkeypatch)
    db.dispose_engines()
    monkeypatch.setattr(encryption, "available", lambda: False)
    result = run("list")
    assert result.exit_code == 1, result.output
    assert "is not a plain journal" in result.stderr
    assert "pip install 'peerjournal[encrypted]'" in result.stderr


def test_a_damaged_file_is_still_called_damaged_not_encrypted(tmp_path: Path) -> None:
    # Random-looking bytes that are not whole pages: no SQLCipher file looks like that.
    path = tmp_path / "journal.db"
    path.write_bytes(os.urandom(5000))
    assert not encryption.looks_encrypted(path)
    with pytest.raises(DatabaseError, match="restore"):
        create_journal(path)


@pytest.mark.pty
def test_the_passphrase_is_typed_unseen_in_a_terminal(journal_home: Path) -> None:
    env = {**os.environ, "PEERJOURNAL_HOME": str(journal_home), "TERM": "dumb"}
    env.pop(encryption.ENV_PASSPHRASE, None)

    def spawn(*args: str) -> pexpect.spawn[str]:
        return pexpect.spawn(
            sys.executable, ["-m", "peerjournal", *args], env=env, encoding="utf-8", timeout=60
        )

    child = spawn("log", "--note", f"typed {MARKER}", "--rate", "empathy=4", "--no-input")
    child.expect(pexpect.EOF)
    child = spawn("encrypt")
    child.expect_exact("New passphrase")
    child.sendline(PASSPHRASE)
    child.expect_exact("Type it again")
    child.sendline(PASSPHRASE)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert PASSPHRASE not in (child.before or "")

    child = spawn("list")
    child.expect_exact("Passphrase for")
    child.sendline(PASSPHRASE)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    shown = child.before or ""
    assert "typed" in shown
    assert PASSPHRASE not in shown
    assert plain_text_files(journal_home, MARKER) == []


def test_ctrl_c_at_a_question_stops_with_130_and_changes_nothing(journal_home: Path) -> None:
    env = {**os.environ, "PEERJOURNAL_HOME": str(journal_home), "TERM": "dumb"}
    env.pop(encryption.ENV_PASSPHRASE, None)

    def interrupt(*args: str, at: str) -> pexpect.spawn[str]:
        child = pexpect.spawn(
            sys.executable, ["-m", "peerjournal", *args], env=env, encoding="utf-8", timeout=60
        )
        child.expect_exact(at)
        child.sendintr()
        child.expect_exact("Stopped. Nothing was changed.")
        child.expect(pexpect.EOF)
        child.close()
        return child

    subprocess.run(
        [sys.executable, "-m", "peerjournal", "log", "--note", "kept", "--no-input"],
        env=env,
        check=True,
        capture_output=True,
    )
    journal = journal_home / "journal.db"
    before = journal.read_bytes()
    assert interrupt("encrypt", at="New passphrase").exitstatus == 130
    assert interrupt("forget", "--before", "tomorrow", at="[y/N]").exitstatus == 130
    assert journal.read_bytes() == before


def test_reading_the_guide_never_asks_for_the_passphrase(
    run: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    encrypted_journal(run, monkeypatch)
    monkeypatch.delenv(encryption.ENV_PASSPHRASE)
    result = run("principles", "empathy")
    assert result.exit_code == 0, result.output
    assert "Empathy" in result.stdout
    assert "passphrase" not in result.output


def damage(journal: Path, how: str) -> None:
    """A plain journal's start overwritten with zeros, or the whole file random bytes."""
    if how == "zeroed header":
        with journal.open("r+b") as handle:
            handle.write(bytes(16))
    else:
        journal.write_bytes(os.urandom(journal.stat().st_size))


@pytest.mark.parametrize("how", ["zeroed header", "random bytes"])
def test_a_damaged_plain_journal_is_never_said_to_be_encrypted_and_a_backup_restores_over_it(
    run: RunCli, journal_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    log(run, "A good day to have a backup")
    assert run("backup", str(tmp_path / "good.db")).exit_code == 0
    log(run, "Written after the backup")
    db.dispose_engines()
    journal = journal_home / "journal.db"
    damage(journal, how)

    def never_asked(path: Path) -> str:
        raise AssertionError(f"asked for a passphrase for {path}")

    # As on a terminal: a question would be asked if anything wanted a passphrase.
    monkeypatch.setattr(sys.modules["peerjournal.cli.app"], "ask_passphrase", never_asked)
    if how == "zeroed header":
        result = run("list")
        assert result.exit_code == 1, result.output
        assert "cannot be read" in result.stderr and "restore" in result.stderr
        assert "encrypted" not in result.stderr
        assert "passphrase" not in result.stderr
    damaged = journal.read_bytes()

    restored = run("restore", str(tmp_path / "good.db"))
    assert restored.exit_code == 0, restored.output
    assert [e["what_happened"] for e in entries(run)] == ["A good day to have a backup"]
    # The damaged file is kept byte for byte, in case something can be saved from it.
    (kept,) = journal_home.glob("journal.before-restore.*.db")
    assert kept.read_bytes() == damaged


def test_random_bytes_are_called_encrypted_or_damaged_never_only_encrypted(
    run: RunCli, journal_home: Path
) -> None:
    log(run, "Soon to be overwritten")
    db.dispose_engines()
    damage(journal_home / "journal.db", "random bytes")
    result = run("list")
    assert result.exit_code == 1, result.output
    said = result.stderr.replace("\n", " ")
    assert "damaged" in said and "peerjournal restore" in said
    assert "is encrypted" not in said


def test_a_passphrase_typed_in_another_unicode_form_opens_the_journal(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, journal_home: Path
) -> None:
    import unicodedata

    composed = unicodedata.normalize("NFC", "café señal über")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    log(run, f"Locked with accents {MARKER}")
    monkeypatch.setenv(encryption.ENV_PASSPHRASE, decomposed)
    assert run("encrypt").exit_code == 0
    for typed in (composed, decomposed):
        monkeypatch.setenv(encryption.ENV_PASSPHRASE, typed)
        found = entries(run)
        assert found[0]["what_happened"] == f"Locked with accents {MARKER}"
    monkeypatch.setenv(encryption.ENV_PASSPHRASE, "cafe senal uber")
    assert run("list").exit_code == 1


def test_a_journal_an_older_version_locked_with_a_decomposed_passphrase_still_opens(
    run: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "café au lait")
    plain, locked = tmp_path / "old.db", tmp_path / "locked.db"
    assert run("--db", str(plain), "log", "--note", MARKER, "--no-input").exit_code == 0
    db.dispose_engines()
    # As an older version did: SQLCipher keyed with the passphrase exactly as typed.
    conn = encryption.driver().connect(str(plain))
    conn.execute("ATTACH DATABASE ? AS locked KEY ?", (str(locked), decomposed))
    conn.execute("SELECT sqlcipher_export('locked')")
    conn.execute("PRAGMA locked.user_version = 0")
    conn.commit()
    conn.close()
    monkeypatch.setenv(encryption.ENV_PASSPHRASE, decomposed)
    result = run("--db", str(locked), "list", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["what_happened"] == MARKER
    assert run("--db", str(locked), "log", "--note", "more", "--no-input").exit_code == 0

"""gmg, MediaGoblin's command-line tool: what an operator types and what they then see.

Most cases call ``goblin.gmg.main`` in this process; a few run the installed ``gmg``.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from goblin import gmg
from goblin.db import make_engine, session_scope
from goblin.db.models import PRIVILEGE_NAMES, MediaEntry, MediaFile, Privilege, Tag, User
from tests.conftest import login
from tests.functional.media_helpers import add_processed_entries
from tests.sites import write_site

BIN = os.path.dirname(sys.executable)
GMG = os.path.join(BIN, "gmg")
SUBPROCESS_TIMEOUT = 120


def run_gmg(capsys, *argv: str) -> tuple[int, str, str]:
    """Run gmg in this process; return its exit code, stdout and stderr."""
    code = gmg.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *parts: str) -> None:
    assert code != 0
    assert err.startswith("gmg: ")
    assert err.count("\n") == 1 and err.endswith("\n")
    assert "Traceback" not in err
    for part in parts:
        assert part in err


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("MEDIAGOBLIN_CONFIG", None)
    env.pop("CELERY_ALWAYS_EAGER", None)
    return env


def user_row(site, username: str) -> dict | None:
    with session_scope(site.registry) as dbsession:
        user = dbsession.scalar(select(User).where(User.username == username))
        if user is None:
            return None
        return {"email": user.email, "privileges": user.privilege_names()}


def logged_in_as(testapp) -> str | None:
    whoami = testapp.get("/").html.select_one(".account-nav .whoami strong")
    return whoami.get_text(strip=True) if whoami is not None else None


def can_log_in(site, username: str, password: str) -> bool:
    testapp = site.testapp()
    response = login(testapp, username, password)
    if response.status_int == 302:
        assert logged_in_as(testapp) == username
        return True
    assert "don't match an account" in response
    assert logged_in_as(testapp) is None
    return False


def privilege_names(database_url: str) -> list[str]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return sorted(connection.scalars(select(Privilege.privilege_name)))
    finally:
        engine.dispose()


# -- choosing mediagoblin.ini ------------------------------------------------------------


def test_conf_file_option_selects_the_ini(site, capsys):
    for option in ("-cf", "--conf_file"):
        code, out, err = run_gmg(capsys, option, site.ini_path, "dbupdate")
        assert (code, err) == (0, "")
        assert out.startswith("Database ") and out.endswith(" is up to date.\n")


def test_mediagoblin_config_environment_variable_selects_the_ini(site, capsys, monkeypatch):
    monkeypatch.setenv("MEDIAGOBLIN_CONFIG", site.ini_path)
    monkeypatch.chdir(os.path.dirname(site.folder))
    code, _, err = run_gmg(capsys, "adduser", "-u", "bob", "-p", "bob's password", "-e", "b@x.org")
    assert (code, err) == (0, "")
    assert user_row(site, "bob") is not None


def test_conf_file_option_wins_over_the_environment(site, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("MEDIAGOBLIN_CONFIG", str(tmp_path / "missing.ini"))
    code, _, err = run_gmg(capsys, "-cf", site.ini_path, "dbupdate")
    assert (code, err) == (0, "")


def test_without_options_the_current_folder_is_used(site, capsys, monkeypatch):
    monkeypatch.chdir(site.folder)
    code, _, err = run_gmg(capsys, "makeadmin", "nobody")
    assert_one_line_error(code, err, "no user named 'nobody'")
    code, _, err = run_gmg(capsys, "dbupdate")
    assert (code, err) == (0, "")


def test_mediagoblin_local_ini_in_the_current_folder_wins(site, capsys, monkeypatch):
    monkeypatch.chdir(site.folder)
    local = os.path.join(site.folder, "mediagoblin_local.ini")
    with open(local, "w", encoding="utf-8") as handle:
        handle.write("[mediagoblin]\nallow_registration = perhaps\n")
    code, _, err = run_gmg(capsys, "dbupdate")
    assert_one_line_error(code, err, local, "[mediagoblin] allow_registration = 'perhaps'")


def test_ini_in_a_folder_whose_name_has_spaces(make_site, tmp_path, capsys):
    site = make_site(folder=str(tmp_path / "my goblin site"))
    code, _, err = run_gmg(
        capsys,
        "-cf",
        site.ini_path,
        "adduser",
        "-u",
        "bob",
        "-p",
        "bob's password",
        "-e",
        "b@x.org",
    )
    assert (code, err) == (0, "")
    assert user_row(site, "bob") is not None


def test_missing_config_file(tmp_path, capsys):
    missing = str(tmp_path / "nowhere.ini")
    code, _, err = run_gmg(capsys, "-cf", missing, "dbupdate")
    assert_one_line_error(code, err, f"no configuration file found; tried: {missing}")


def test_bad_config_is_one_line(site, capsys):
    site.rewrite(sections={"mediagoblin": {"email_smtp_port": "abc"}})
    for command in (["dbupdate"], ["adduser", "-u", "bob", "-p", "password!", "-e", "b@x.org"]):
        code, out, err = run_gmg(capsys, "-cf", site.ini_path, *command)
        assert out == ""
        assert_one_line_error(
            code,
            err,
            site.ini_path,
            "[mediagoblin] email_smtp_port = 'abc'",
            "expected a whole number from 0 to 65535",
        )


# -- dbupdate ----------------------------------------------------------------------------


def test_dbupdate_creates_a_fresh_database_and_seeds_privileges(empty_database, tmp_path, capsys):
    ini = write_site(str(tmp_path / "fresh"), empty_database)
    code, out, err = run_gmg(capsys, "-cf", ini, "dbupdate")
    assert (code, err) == (0, "")
    assert out.startswith("Database ") and out.endswith(" is up to date.\n")
    assert privilege_names(empty_database) == sorted(
        ["admin", "moderator", "uploader", "commenter", "reporter", "active"]
    )
    assert set(PRIVILEGE_NAMES) == set(privilege_names(empty_database))


def test_dbupdate_is_idempotent(empty_database, tmp_path, capsys):
    ini = write_site(str(tmp_path / "fresh"), empty_database)
    for _ in range(2):
        code, out, err = run_gmg(capsys, "-cf", ini, "dbupdate")
        assert (code, err) == (0, "")
        assert "is up to date." in out
    assert len(privilege_names(empty_database)) == len(PRIVILEGE_NAMES)


def test_a_fresh_database_is_refused_until_dbupdate(empty_database, tmp_path, capsys):
    ini = write_site(str(tmp_path / "fresh"), empty_database)
    code, _, err = run_gmg(
        capsys, "-cf", ini, "adduser", "-u", "bob", "-p", "password!", "-e", "b@x.org"
    )
    assert_one_line_error(code, err, "is missing or out of date", f"gmg -cf {ini} dbupdate")
    assert run_gmg(capsys, "-cf", ini, "dbupdate")[0] == 0
    code, _, err = run_gmg(
        capsys, "-cf", ini, "adduser", "-u", "bob", "-p", "password!", "-e", "b@x.org"
    )
    assert (code, err) == (0, "")


def test_dbupdate_creates_the_sqlite_file_beside_the_ini(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "site"
    ini = write_site(str(folder), "sqlite:///mediagoblin.db")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_gmg(capsys, "-cf", ini, "dbupdate")
    assert (code, err) == (0, "")
    assert out == f"Database sqlite:///{folder}/mediagoblin.db is up to date.\n"
    assert (folder / "mediagoblin.db").is_file()
    assert not (tmp_path / "mediagoblin.db").exists()


# -- adduser -----------------------------------------------------------------------------


def test_adduser_creates_an_active_user_who_can_log_in(site, capsys):
    code, out, err = run_gmg(
        capsys,
        "-cf",
        site.ini_path,
        "adduser",
        "-u",
        "Bob",
        "-p",
        "bob's password",
        "-e",
        "bob@Example.org",
    )
    assert (code, err) == (0, "")
    assert out == "User bob created (active; may upload, comment and report).\n"
    assert user_row(site, "bob") == {
        "email": "bob@example.org",
        "privileges": {"active", "uploader", "commenter", "reporter"},
    }
    assert can_log_in(site, "bob", "bob's password")
    assert not can_log_in(site, "bob", "not bob's password")


def test_adduser_long_options(site, capsys):
    code, _, err = run_gmg(
        capsys,
        "-cf",
        site.ini_path,
        "adduser",
        "--username",
        "carol",
        "--password",
        "carol's password",
        "--email",
        "carol@example.org",
    )
    assert (code, err) == (0, "")
    assert can_log_in(site, "carol", "carol's password")


def test_adduser_asks_for_what_is_missing(site, capsys, monkeypatch):
    prompts = []

    def fake_getpass(prompt="Password: "):
        prompts.append(prompt)
        return "dave's password"

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    monkeypatch.setattr(sys, "stdin", io.StringIO("dave\ndave@example.org\n"))
    code, out, err = run_gmg(capsys, "-cf", site.ini_path, "adduser")
    assert (code, err) == (0, "")
    assert out.startswith("Username: Email: ")
    assert prompts == ["Password: "]
    assert "User dave created" in out
    assert can_log_in(site, "dave", "dave's password")


def test_adduser_asks_only_for_the_missing_password(site, capsys, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "erin's password")
    code, out, err = run_gmg(capsys, "-cf", site.ini_path, "adduser", "-u", "erin", "-e", "e@x.org")
    assert (code, err) == (0, "")
    assert "Username:" not in out and "Email:" not in out
    assert can_log_in(site, "erin", "erin's password")


def test_adduser_with_no_answer_is_one_line(site, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, _, err = run_gmg(capsys, "-cf", site.ini_path, "adduser")
    assert_one_line_error(code, err, "no value given for username")


def test_adduser_refuses_a_duplicate_name_or_email(site, alice, capsys):
    code, _, err = run_gmg(
        capsys, "-cf", site.ini_path, "adduser", "-u", "ALICE", "-p", "password!", "-e", "a2@x.org"
    )
    assert_one_line_error(code, err, "a user with that name already exists")
    code, _, err = run_gmg(
        capsys,
        "-cf",
        site.ini_path,
        "adduser",
        "-u",
        "alice2",
        "-p",
        "password!",
        "-e",
        "ALICE@example.org",
    )
    assert_one_line_error(code, err, "a user with that email address already exists")
    assert user_row(site, "alice2") is None
    assert can_log_in(site, "alice", "correct horse")


@pytest.mark.parametrize(
    ("username", "password", "email", "message"),
    [
        ("a", "password!", "a@x.org", "A username is 3 to 30 characters"),
        ("bob", "short", "b@x.org", "A password is 8 to 1024 characters long."),
        ("bob", "password!", "not-an-email", "doesn't look like an email address"),
    ],
)
def test_adduser_refuses_bad_values(site, capsys, username, password, email, message):
    code, _, err = run_gmg(
        capsys, "-cf", site.ini_path, "adduser", "-u", username, "-p", password, "-e", email
    )
    assert_one_line_error(code, err, message)
    assert user_row(site, username) is None


# -- makeadmin, changepw, deleteuser -----------------------------------------------------


def test_makeadmin(site, alice, capsys):
    code, out, err = run_gmg(capsys, "-cf", site.ini_path, "makeadmin", "alice")
    assert (code, err) == (0, "")
    assert out == "alice is now an admin.\n"
    assert "admin" in user_row(site, "alice")["privileges"]
    # Running it again changes nothing and is not an error.
    assert run_gmg(capsys, "-cf", site.ini_path, "makeadmin", "alice")[0] == 0
    assert user_row(site, "alice")["privileges"] == {
        "admin",
        "active",
        "uploader",
        "commenter",
        "reporter",
    }


def test_changepw_changes_the_password_for_the_web_login(site, alice, capsys):
    code, out, err = run_gmg(capsys, "-cf", site.ini_path, "changepw", "alice", "battery staple")
    assert (code, err) == (0, "")
    assert out == "Password of alice changed.\n"
    assert not can_log_in(site, "alice", "correct horse")
    assert can_log_in(site, "alice", "battery staple")


def test_changepw_refuses_a_too_short_password(site, alice, capsys):
    code, _, err = run_gmg(capsys, "-cf", site.ini_path, "changepw", "alice", "short")
    assert_one_line_error(code, err, "A password is 8 to 1024 characters long.")
    assert can_log_in(site, "alice", "correct horse")


@pytest.mark.parametrize(
    "command",
    [["makeadmin", "nobody"], ["changepw", "nobody", "new password"], ["deleteuser", "nobody"]],
)
def test_unknown_user_is_one_line(site, alice, capsys, command):
    code, out, err = run_gmg(capsys, "-cf", site.ini_path, *command)
    assert out == ""
    assert_one_line_error(code, err, "no user named 'nobody'")


def add_media_with_file(site, user_id: int, title: str) -> tuple[int, str]:
    """A processed entry and its original file in the public store, as processing leaves them."""
    public = site.registry.goblin_config["storage:publicstore"]["base_dir"]
    with session_scope(site.registry) as dbsession:
        entry = MediaEntry(
            actor=user_id, title=title, slug=title.lower(), media_type="image", state="processed"
        )
        dbsession.add(entry)
        dbsession.flush()
        media_id = entry.id
        file_path = ["media_entries", str(media_id), f"{title.lower()}.jpg"]
        dbsession.add(MediaFile(media_entry=media_id, name="original", file_path=file_path))
    folder = os.path.join(public, "media_entries", str(media_id))
    os.makedirs(folder)
    with open(os.path.join(folder, f"{title.lower()}.jpg"), "wb") as handle:
        handle.write(b"\xff\xd8\xff\xe0 not really a jpeg")
    return media_id, folder


def count_rows(site, model, **filters) -> int:
    with session_scope(site.registry) as dbsession:
        return dbsession.scalar(select(func.count()).select_from(model).filter_by(**filters))


def test_deleteuser_removes_the_user_their_media_and_files(site, alice, capsys):
    bob = site.add_user("bob", "bob's password")
    alice_media, alice_folder = add_media_with_file(site, alice, "Sunset")
    _, alice_folder2 = add_media_with_file(site, alice, "Moonrise")
    bob_media, bob_folder = add_media_with_file(site, bob, "Harbour")

    code, out, err = run_gmg(capsys, "-cf", site.ini_path, "deleteuser", "alice")
    assert (code, err) == (0, "")
    assert out == "User alice and their media deleted.\n"

    assert user_row(site, "alice") is None
    assert count_rows(site, MediaEntry, actor=alice) == 0
    assert count_rows(site, MediaFile, media_entry=alice_media) == 0
    assert not os.path.exists(alice_folder)
    assert not os.path.exists(alice_folder2)
    assert not can_log_in(site, "alice", "correct horse")
    # Someone else's account and media are untouched.
    assert count_rows(site, MediaEntry, actor=bob) == 1
    assert count_rows(site, MediaFile, media_entry=bob_media) == 1
    assert os.listdir(bob_folder) == ["harbour.jpg"]
    assert can_log_in(site, "bob", "bob's password")


def test_deleteuser_removes_tags_only_their_media_used(site, alice, capsys):
    bob = site.add_user("bob", "bob's password")
    add_processed_entries(site, alice, 2, tags=("alices-own", "shared"))
    add_processed_entries(site, bob, 1, tags=("shared",), start=10)

    code, _, err = run_gmg(capsys, "-cf", site.ini_path, "deleteuser", "alice")

    assert (code, err) == (0, "")
    with session_scope(site.registry) as dbsession:
        assert set(dbsession.scalars(select(Tag.slug))) == {"shared"}


# -- shell, and the installed console script ---------------------------------------------


def test_shell_starts_with_the_registry(site):
    result = subprocess.run(
        [GMG, "-cf", site.ini_path, "shell"],
        input="print(registry)\n"
        "print(registry.goblin_config.mediagoblin['html_title'])\n"
        "print(db.query(models.Privilege).count())\n",
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "<Registry " in result.stdout
    assert "Test Goblin" in result.stdout
    assert str(len(PRIVILEGE_NAMES)) in result.stdout.split()
    assert "goblin shell" in result.stderr
    assert "Traceback" not in result.stderr


def test_installed_gmg_creates_a_database_and_a_user(tmp_path):
    """The console script end to end: dbupdate on a new site, then adduser, then an error."""
    folder = tmp_path / "site"
    ini = write_site(str(folder), "sqlite:///mediagoblin.db")

    def gmg_run(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [GMG, *argv],
            capture_output=True,
            text=True,
            cwd=str(tmp_path),
            env=subprocess_env(),
            timeout=SUBPROCESS_TIMEOUT,
            check=False,
        )

    result = gmg_run("-cf", ini, "dbupdate")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"Database sqlite:///{folder}/mediagoblin.db is up to date.\n"

    result = gmg_run("-cf", ini, "adduser", "-u", "bob", "-p", "bob's password", "-e", "b@x.org")
    assert (result.returncode, result.stderr) == (0, "")
    assert "User bob created" in result.stdout

    result = gmg_run("-cf", ini, "adduser", "-u", "bob", "-p", "bob's password", "-e", "c@x.org")
    assert result.returncode == 1
    assert result.stderr == "gmg: Sorry, a user with that name already exists.\n"


def test_installed_gmg_reports_a_bad_config_in_one_line(tmp_path):
    folder = tmp_path / "site"
    ini = write_site(
        str(folder), "sqlite:///mediagoblin.db", {"mediagoblin": {"allow_registraton": "true"}}
    )
    result = subprocess.run(
        [GMG, "-cf", ini, "dbupdate"],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr == (
        f"gmg: {ini}: [mediagoblin] allow_registraton = 'true': unknown key; "
        "did you mean allow_registration?\n"
    )
    assert not (folder / "mediagoblin.db").exists()

"""goblin.storage and its local-folder backend: clean paths, no escape, atomic copies."""

from __future__ import annotations

import os
import stat

import pytest

from goblin.config.loader import ConfigError
from goblin.storage import StorageError, clean_component, clean_path, copy_locally, load_storage
from goblin.storage.filestorage import BasicFileStorage


@pytest.fixture
def store(tmp_path):
    return BasicFileStorage(str(tmp_path / "store"), "/mgoblin_media/")


def write(path, data: bytes) -> str:
    with open(path, "wb") as handle:
        handle.write(data)
    return str(path)


def everything_under(folder) -> list[str]:
    found = []
    for root, _dirs, names in os.walk(folder):
        found.extend(os.path.relpath(os.path.join(root, name), folder) for name in names)
    return sorted(found)


# --- clean paths --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("component", "cleaned"),
    [
        ("thumb.jpg", "thumb.jpg"),
        ("..", "_"),
        (".", "_"),
        ("", "_"),
        ("../../etc/passwd", "etc_passwd"),
        ("/etc/passwd", "etc_passwd"),
        ("C:\\Windows\\win.ini", "C_Windows_win.ini"),
        (".hidden", "hidden"),
        ("name\x00.jpg", "name_.jpg"),
        ("spaces and tabs\t.png", "spaces_and_tabs_.png"),
        ("Unicodé.jpg", "Unicod_.jpg"),
    ],
)
def test_clean_component(component, cleaned):
    assert clean_component(component) == cleaned


def test_a_clean_component_is_never_a_dot_name_nor_has_a_separator():
    for component in ("..", ".", "./..", "a/../..", "...", "/", "\\", "._.", "\x00"):
        cleaned = clean_component(component)
        assert cleaned not in ("", ".", "..")
        assert "/" not in cleaned
        assert "\\" not in cleaned
        assert not cleaned.startswith(".")


def test_a_clean_component_is_at_most_200_characters():
    assert len(clean_component("a" * 1000)) == 200


def test_a_path_is_a_list_of_components_not_a_string():
    assert clean_path(["media_entries", "12", "../thumb.jpg"]) == [
        "media_entries",
        "12",
        "thumb.jpg",
    ]
    with pytest.raises(TypeError):
        clean_path("media_entries/12/thumb.jpg")


# --- no escape from base_dir --------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        ["..", "outside.txt"],
        ["..", "..", "..", "outside.txt"],
        ["../outside.txt"],
        ["/tmp/outside.txt"],
        ["media", "..", "..", "outside.txt"],
        [os.sep.join(["..", "..", "outside.txt"])],
    ],
)
def test_hostile_paths_stay_inside_the_store(store, tmp_path, path):
    source = write(tmp_path / "source.bin", b"data")

    store.copy_local_to_storage(source, path)

    local = store.get_local_path(path)
    assert os.path.commonpath([store.base_dir, local]) == store.base_dir
    assert os.path.isfile(local)
    assert not os.path.exists(tmp_path / "outside.txt")
    assert store.file_exists(path)
    with store.get_file(path) as handle:
        assert handle.read() == b"data"


def test_delete_dir_cannot_reach_outside_the_store(store, tmp_path):
    neighbour = tmp_path / "neighbour"
    neighbour.mkdir()
    write(neighbour / "keep.txt", b"keep")

    store.delete_dir(["..", "neighbour"], recursive=True)
    store.delete_file(["..", "neighbour", "keep.txt"])

    assert (neighbour / "keep.txt").read_bytes() == b"keep"


def test_the_base_dir_is_made_absolute_and_created(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    store = BasicFileStorage("relative/store")

    assert store.base_dir == str(tmp_path / "relative" / "store")
    assert os.path.isdir(store.base_dir)


# --- the Storage interface ----------------------------------------------------------------


def test_get_file_writes_into_new_folders_and_reads_back(store):
    with store.get_file(["media_entries", "1", "thumb.jpg"], "wb") as handle:
        handle.write(b"thumb")

    assert store.file_exists(["media_entries", "1", "thumb.jpg"])
    assert store.get_file_size(["media_entries", "1", "thumb.jpg"]) == 5
    with store.get_file(["media_entries", "1", "thumb.jpg"]) as handle:
        assert handle.read() == b"thumb"


def test_a_missing_file_is_a_storage_error(store):
    assert not store.file_exists(["nope.jpg"])
    with pytest.raises(StorageError):
        store.get_file(["nope.jpg"])
    with pytest.raises(StorageError):
        store.get_file_size(["nope.jpg"])


def test_a_folder_is_not_a_file(store, tmp_path):
    store.copy_local_to_storage(write(tmp_path / "x", b"x"), ["folder", "x"])

    assert not store.file_exists(["folder"])


def test_deleting_a_missing_file_or_folder_is_fine(store):
    store.delete_file(["media_entries", "1", "gone.jpg"])
    store.delete_dir(["media_entries", "1"])


def test_delete_dir_refuses_a_full_folder_unless_recursive(store, tmp_path):
    store.copy_local_to_storage(write(tmp_path / "x", b"x"), ["media_entries", "7", "a.jpg"])

    with pytest.raises(OSError):
        store.delete_dir(["media_entries", "7"])
    assert store.file_exists(["media_entries", "7", "a.jpg"])

    store.delete_dir(["media_entries", "7"], recursive=True)
    assert not os.path.exists(os.path.join(store.base_dir, "media_entries", "7"))
    assert os.path.isdir(os.path.join(store.base_dir, "media_entries"))


def test_file_url_uses_the_base_url_and_clean_components(store):
    assert store.file_url(["media_entries", "3", "thumb.jpg"]) == (
        "/mgoblin_media/media_entries/3/thumb.jpg"
    )
    assert store.file_url(["..", "x y.jpg"]) == "/mgoblin_media/_/x_y.jpg"


def test_a_store_without_base_url_has_no_urls(tmp_path):
    queue = BasicFileStorage(str(tmp_path / "queue"))

    with pytest.raises(StorageError):
        queue.file_url(["media_entries", "1", "upload.jpg"])


def test_copy_locally(store, tmp_path):
    data = os.urandom(3 * 1024 * 1024 + 17)  # more than one copy chunk
    store.copy_local_to_storage(write(tmp_path / "big.bin", data), ["big.bin"])

    copy_locally(store, ["big.bin"], str(tmp_path / "back.bin"))

    assert (tmp_path / "back.bin").read_bytes() == data


# --- atomic copies ------------------------------------------------------------------------


def test_copy_in_writes_the_whole_file_readable_by_the_web_server(store, tmp_path):
    data = os.urandom(2 * 1024 * 1024 + 5)

    store.copy_local_to_storage(write(tmp_path / "src", data), ["media_entries", "1", "o.jpg"])

    local = store.get_local_path(["media_entries", "1", "o.jpg"])
    with open(local, "rb") as handle:
        assert handle.read() == data
    assert stat.S_IMODE(os.stat(local).st_mode) == 0o644
    assert everything_under(store.base_dir) == ["media_entries/1/o.jpg"]


def test_copy_in_replaces_a_file_atomically(store, tmp_path):
    path = ["media_entries", "1", "thumb.jpg"]
    store.copy_local_to_storage(write(tmp_path / "old", b"old version"), path)
    reader = store.get_file(path)  # someone is serving the old file right now

    store.copy_local_to_storage(write(tmp_path / "new", b"new version"), path)

    with reader:
        assert reader.read() == b"old version"  # the old file was swapped, not rewritten
    with store.get_file(path) as handle:
        assert handle.read() == b"new version"
    assert everything_under(store.base_dir) == ["media_entries/1/thumb.jpg"]


def test_a_failed_copy_in_leaves_no_partial_file_and_keeps_the_old_one(store, tmp_path):
    path = ["media_entries", "1", "thumb.jpg"]
    store.copy_local_to_storage(write(tmp_path / "old", b"old version"), path)
    not_a_file = tmp_path / "a-folder"
    not_a_file.mkdir()

    with pytest.raises(OSError):
        store.copy_local_to_storage(str(not_a_file), path)
    with pytest.raises(OSError):
        store.copy_local_to_storage(str(tmp_path / "missing"), ["media_entries", "2", "x.jpg"])

    with store.get_file(path) as handle:
        assert handle.read() == b"old version"
    assert everything_under(store.base_dir) == ["media_entries/1/thumb.jpg"]


# --- choosing a backend -------------------------------------------------------------------


def test_load_storage_accepts_mediagoblins_class_name(tmp_path):
    store = load_storage(
        "storage:publicstore",
        {
            "storage_class": "mediagoblin.storage.filestorage:BasicFileStorage",
            "base_dir": str(tmp_path / "public"),
            "base_url": "/mgoblin_media/",
        },
        "/etc/mediagoblin.ini",
    )

    assert isinstance(store, BasicFileStorage)
    assert store.base_dir == str(tmp_path / "public")


@pytest.mark.parametrize(
    "storage_class", ["no.such.module:Storage", "goblin.storage.filestorage:Nope", "nonsense"]
)
def test_load_storage_names_a_bad_class_in_one_line(tmp_path, storage_class):
    with pytest.raises(ConfigError) as caught:
        load_storage(
            "storage:queuestore",
            {"storage_class": storage_class, "base_dir": str(tmp_path)},
            "/etc/mediagoblin.ini",
        )

    message = str(caught.value)
    assert "\n" not in message
    assert "/etc/mediagoblin.ini" in message
    assert "[storage:queuestore]" in message
    assert storage_class in message

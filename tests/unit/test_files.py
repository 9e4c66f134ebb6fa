"""Writing a file whole (lerld.core.files): the new bytes or the old, never a part, and
nothing left beside it."""

from __future__ import annotations

import pytest

from lerld.core.files import write_whole


def test_the_new_bytes_replace_the_old_and_nothing_is_left_beside(tmp_path):
    path = tmp_path / "kept.json"
    path.write_bytes(b"old")
    write_whole(path, b"new")
    assert path.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.json"]


def test_a_write_that_fails_keeps_the_old_bytes_and_leaves_nothing(tmp_path):
    path = tmp_path / "kept.json"
    path.mkdir()  # a directory where the file goes: the rename fails
    (path / "inside").write_bytes(b"old")
    with pytest.raises(OSError):
        write_whole(path, b"new")
    assert (path / "inside").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.json"]

"""core.heap: the command line's malloc setting, and the folder's while a folder is read — never
changed for a library caller that did not ask."""

from ttcalc.core import heap


def test_folder_changes_nothing_unless_the_run_set_its_own(monkeypatch):
    calls = []
    monkeypatch.setattr(heap, "_set", lambda *a: calls.append(a) or True)
    monkeypatch.setattr(heap, "_now", [])
    with heap.folder():
        pass
    assert calls == []


def test_folder_setting_while_reading_then_the_runs_own_again(monkeypatch):
    calls = []
    monkeypatch.setattr(heap, "_set", lambda *a: calls.append(a) or True)
    monkeypatch.setattr(heap, "_now", [])
    heap.returned()
    try:
        with heap.folder():
            assert calls == [heap.RETURNED, heap.FOLDER]
            raise KeyError("an error while reading")
    except KeyError:
        pass
    assert calls == [heap.RETURNED, heap.FOLDER, heap.RETURNED]


def test_the_real_calls_do_not_fail():
    heap.returned()  # on glibc: mallopt; elsewhere: nothing
    with heap.folder():
        pass

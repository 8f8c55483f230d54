"""Weights: download with resume and checksum, a clear way out when offline, files from the user."""
import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from install_helpers import install, make_dirs, run_install

GOOD = bytes(range(256)) * 400  # 100 kB standing in for a network's weights
FILE = "googlenet-%s.pth" % hashlib.sha256(GOOD).hexdigest()[:8]


@pytest.fixture
def manifest(monkeypatch):
    """The real records, but GoogLeNet's file is GOOD (the real sums cannot be met here)."""
    record = install.catalogue.network("googlenet")
    weights = dict(record.weights, file=FILE, sha256=FILE[10:18], size_mb=0.1)
    monkeypatch.setitem(install.catalogue.BY_NAME, "googlenet", record._replace(weights=weights))
    return install.downloads()


@pytest.fixture
def server(monkeypatch):
    """A local web server of weights files that honours Range; it records what it was asked."""
    served = {FILE: GOOD}
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = served[self.path.lstrip("/")]
            start = int(self.headers.get("Range", "bytes=0-")[6:].rstrip("-"))
            requests.append((self.path, start))
            self.send_response(206 if start else 200)
            self.send_header("Content-Length", str(len(body) - start))
            self.end_headers()
            self.wfile.write(body[start:])

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    monkeypatch.setenv("INCEPTIONISM_WEIGHTS_BASE_URL", "http://127.0.0.1:%d/" % httpd.server_port)
    yield served, requests
    httpd.shutdown()
    httpd.server_close()


def weights(home):
    return home / "data" / "weights"


def test_download_is_verified_and_kept(home, venv, commands, manifest, server):
    assert run_install(venv, "--no-gimp") == 0
    assert (weights(home) / FILE).read_bytes() == GOOD
    assert sorted(p.name for p in weights(home).iterdir()) == [FILE]


def test_a_partial_download_resumes_where_it_stopped(home, venv, commands, manifest, server):
    make_dirs(home, "data", "weights")
    (weights(home) / (FILE + ".part")).write_bytes(GOOD[:30000])
    assert run_install(venv, "--no-gimp") == 0
    assert server[1] == [("/" + FILE, 30000)]
    assert (weights(home) / FILE).read_bytes() == GOOD
    assert not (weights(home) / (FILE + ".part")).exists()


def test_verified_weights_are_not_downloaded_again(home, venv, commands, manifest, server):
    make_dirs(home, "data", "weights")
    (weights(home) / FILE).write_bytes(GOOD)
    assert run_install(venv, "--no-gimp") == 0
    assert server[1] == []


def test_damaged_weights_in_place_are_replaced(home, venv, commands, manifest, server):
    make_dirs(home, "data", "weights")
    (weights(home) / FILE).write_bytes(GOOD[:-1] + b"x")
    assert run_install(venv, "--no-gimp") == 0
    assert (weights(home) / FILE).read_bytes() == GOOD


def test_a_damaged_download_is_removed_and_only_warns(home, venv, commands, manifest, server,
                                                      capsys):
    server[0][FILE] = GOOD[::-1]
    assert run_install(venv, "--no-gimp") == 0
    assert "WARNING" in capsys.readouterr().out
    assert list(weights(home).iterdir()) == []


def test_offline_says_where_to_get_the_file_and_finishes_the_rest(home, venv, commands, monkeypatch,
                                                                 capsys):
    gimp = make_dirs(home, ".config", "GIMP", "3.0")
    monkeypatch.setenv("INCEPTIONISM_WEIGHTS_BASE_URL", "http://127.0.0.1:9/")
    assert run_install(venv) == 0
    out = capsys.readouterr().out
    entry = install.downloads()["googlenet"]
    assert "WARNING %s's weights are not installed" % entry["title"] in out
    assert "http://127.0.0.1:9/" + entry["file"] in out
    assert str(weights(home)) in out and "--weights-file" in out
    assert (gimp / "plug-ins" / "inceptionism-gimp3" / "worker.json").exists()


def test_all_models_asks_for_every_network_default_first(home, venv, commands, monkeypatch, capsys):
    monkeypatch.setenv("INCEPTIONISM_WEIGHTS_BASE_URL", "http://127.0.0.1:9/")
    assert run_install(venv, "--no-gimp", "--all-models") == 0
    asked = [line.split()[1].rstrip(",") for line in capsys.readouterr().out.splitlines()
             if line.startswith("Weights: ")]
    assert asked[0] == "googlenet" and sorted(asked) == sorted(install.downloads())
    assert "efficientnet_lite0" not in asked  # it comes with the engine


@pytest.mark.parametrize("name", [FILE, "download (1).pth"])
def test_a_weights_file_is_recognised_by_its_checksum(home, venv, commands, manifest, tmp_path,
                                                      name):
    given = tmp_path / name
    given.write_bytes(GOOD)
    assert run_install(venv, "--no-gimp", "--no-weights", "--weights-file", str(given)) == 0
    assert (weights(home) / FILE).read_bytes() == GOOD


@pytest.mark.parametrize("name, words", [(FILE, "is damaged"), ("notes.pth", "is none of")])
def test_a_wrong_weights_file_is_rejected(home, venv, commands, manifest, tmp_path, capsys,
                                          name, words):
    given = tmp_path / name
    given.write_bytes(GOOD[:-1])
    assert run_install(venv, "--no-gimp", "--no-weights", "--weights-file", str(given)) == 1
    assert "PROBLEM %s %s" % (given, words) in capsys.readouterr().out
    assert not weights(home).exists()
    assert given.exists()  # the user's own file stays where it was

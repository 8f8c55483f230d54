"""The relays' sockets fit in a socket address whatever the home folder: a contributor's HOME of
100 characters puts the GIMP 2.10 root deep, but not the sockets (no GIMP is started here)."""
import os
import shutil
import socket
import stat
import sys

import gimp210


def test_the_relays_sockets_fit_under_a_home_folder_of_100_characters(tmp_path):
    home = str(tmp_path / "h")
    home += "o" * (100 - len(home))
    root = os.path.join(home, ".cache", "inceptionism-tests", "gimp210-root")
    os.makedirs(os.path.join(root, "tmp"))
    sockets = gimp210.SocketFolder(root)
    try:
        path = sockets.socket("cluster_unreachable")
        assert len(path.encode("utf-8")) <= 100
        assert stat.S_IMODE(os.stat(sockets.path).st_mode) == 0o700
        assert os.path.isdir(os.path.join(root, sockets.path.lstrip(os.sep)))  # bound there
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)  # where the 116-byte path failed
        listener.close()
        os.remove(path)
        if shutil.which("socat"):  # the real GIMP 2.10 tests require it (conftest.py)
            relay = gimp210.Relay(path, [sys.executable, "-c", "pass"], dict(os.environ))
            relay.close()
    finally:
        sockets.close()
    assert not os.path.exists(sockets.path)

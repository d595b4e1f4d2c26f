import socket

import pytest


def test_connections_off_this_machine_fail_loudly() -> None:
    with socket.socket() as s, pytest.raises(ConnectionRefusedError, match="no network"):
        s.connect(("93.184.216.34", 80))


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.socket() as client:
            client.connect(server.getsockname())

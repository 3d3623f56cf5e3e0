"""moto's `moto_server`, with its requests handled one at a time.

Usage (same arguments as moto_server):
    .venv/bin/python functions/tests/support/moto_server.py -H 127.0.0.1 -p PORT

Why: moto_server serves each request on its own thread, but moto's DynamoDB
backend takes no lock: TransactWriteItems checks its conditions, then writes,
and on failure restores a copy of the whole table, so two concurrent requests
can both pass `attribute_not_exists(pk)` or undo each other's writes. Real
DynamoDB applies each transaction atomically. Serializing the requests makes
moto do the same, which the store's concurrency tests need; connections are
still accepted concurrently, so clients still race each other.

`GET /duos-moto-serialized` answers 200, so tests can tell this server from a
plain moto_server. With DUOS_MOTO_WATCH_STDIN=1 the server exits when its
stdin closes (the test process that started it has ended).
"""

import os
import sys
import threading

from moto import server
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

MARKER_PATH = "/duos-moto-serialized"

_lock = threading.Lock()
_dispatch = DomainDispatcherApplication.__call__


def _serialized(self, environ, start_response):
    if environ.get("PATH_INFO") == MARKER_PATH:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"serialized\n"]
    with _lock:
        result = _dispatch(self, environ, start_response)
        try:
            return [b"".join(result)]
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()


DomainDispatcherApplication.__call__ = _serialized


def _exit_when_stdin_closes():
    sys.stdin.buffer.read()
    os._exit(0)


if __name__ == "__main__":
    if os.environ.get("DUOS_MOTO_WATCH_STDIN") == "1":
        threading.Thread(target=_exit_when_stdin_closes, daemon=True).start()
    sys.argv[0] = "moto_server"
    sys.exit(server.main(sys.argv[1:]))

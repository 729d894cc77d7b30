"""A wall-clock deadline on reading a request body, so a slow client cannot hold a thread.

gunicorn's threaded worker hands a connection to a thread once its first bytes arrive; the body
is then read by the application, from a blocking socket with no time limit. A client that sends
one byte a second keeps that thread for as long as it likes, and a per-read socket timeout does
not help: each byte arrives in time. So the web service arms a deadline before it reads a body:
one thread per process keeps the deadlines, and when one passes it shuts the read side of that
socket (`shutdown(SHUT_RD)`), which wakes the blocked read with end-of-file. The request then
gets a 408 and the connection is closed; the thread is free again.

Only the body is covered: gunicorn reads the request line and headers before the application
runs (at most 8 KiB each, see `limit_request_*`). Behind a buffering proxy (README, "Web
service") no slow client reaches gunicorn at all.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import socket
import threading
import time


class BodyDeadlines:
    """Deadlines for sockets being read; `arm` before reading, `disarm` after.

    Cheap per request (a heap push under a lock); the keeper thread starts on first use in
    each process, so it is never inherited half-alive across gunicorn's fork.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, socket.socket]] = []
        self._armed: set[int] = set()
        self._fired: set[int] = set()
        self._tokens = itertools.count()
        self._pid: int | None = None

    def arm(self, sock: socket.socket, seconds: float) -> int:
        """Cut `sock`'s read side `seconds` from now unless disarmed first; returns a token."""
        with self._cond:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                self._heap, self._armed, self._fired = [], set(), set()
                threading.Thread(target=self._keep, name="body-deadlines", daemon=True).start()
            token = next(self._tokens)
            heapq.heappush(self._heap, (time.monotonic() + seconds, token, sock))
            self._armed.add(token)
            self._cond.notify()
            return token

    def disarm(self, token: int) -> bool:
        """Stop the deadline; True if it had already passed (the read side is shut)."""
        with self._cond:
            if token in self._fired:
                self._fired.discard(token)
                return True
            self._armed.discard(token)
            return False

    def _keep(self) -> None:
        with self._cond:
            while True:
                while self._heap and self._heap[0][1] not in self._armed:
                    heapq.heappop(self._heap)          # disarmed in time
                if not self._heap:
                    self._cond.wait()
                    continue
                due = self._heap[0][0] - time.monotonic()
                if due > 0:
                    self._cond.wait(due)
                    continue
                _, token, sock = heapq.heappop(self._heap)
                self._armed.discard(token)
                self._fired.add(token)
                with contextlib.suppress(OSError):     # already closed by the client
                    sock.shutdown(socket.SHUT_RD)

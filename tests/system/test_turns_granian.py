"""Request threads taking turns (lerld.serve.turns) in a real Granian worker, where a pool
thread idle for long exits: the parked thread is woken when the one available exits, and
the worker goes on answering (without that, it would park every thread it starts)."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.support import free_port

pytestmark = pytest.mark.system

# Granian's shortest idle timeout for a pool thread (it refuses less).
IDLE_TIMEOUT = 5

SERVER = """
import threading, time, sys
from granian import Granian
from granian.constants import Interfaces
from lerld.core import waits
from lerld.serve.runtime import take_turns


def app(environ, start_response):
    if environ["PATH_INFO"] == "/slow":
        with waits.may_take_long():
            time.sleep(0.3)
    available, parked = waits._listener.counts()
    body = f"{available} {parked} {threading.get_native_id()}".encode()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]


if __name__ == "__main__":
    take_turns()
    Granian("server:app", address="127.0.0.1", port=int(sys.argv[1]),
            interface=Interfaces.WSGI, workers=1, blocking_threads=2,
            blocking_threads_idle_timeout=IDLE_TIMEOUT, log_enabled=False).serve()
"""


def answer(url: str) -> tuple[int, int, int]:
    available, parked, thread = requests.get(url, timeout=5).text.split()
    return int(available), int(parked), int(thread)


def test_the_parked_thread_is_woken_when_the_available_one_exits_idle(tmp_path):
    (tmp_path / "server.py").write_text(SERVER.replace("IDLE_TIMEOUT", str(IDLE_TIMEOUT)))
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen(
        [sys.executable, "server.py", str(port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _, _, first = answer(url)  # the pool's first thread, which never exits
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "Granian did not start"
                time.sleep(0.1)
        with ThreadPoolExecutor(8) as pool:  # the pool starts its second thread
            threads = {t for _, _, t in pool.map(lambda _: answer(url), range(300))}
        assert len(threads) == 2
        # a long section on the available thread wakes the parked one; the first, at the
        # end of that request, finds the other available and parks
        if answer(url)[2] == first:
            answer(url + "slow")
            time.sleep(0.2)
        available, parked, second = answer(url)
        assert (available, parked) == (1, 1) and second != first
        time.sleep(IDLE_TIMEOUT + 2)  # the second thread exits idle
        for _ in range(3):
            available, parked, thread = answer(url)
            assert (available, parked, thread) == (1, 0, first)
    finally:
        process.terminate()
        process.wait(30)

"""Forked worker processes that run one function for the reactor, over socket pairs.

Lighter than concurrent.futures.ProcessPoolExecutor on the reactor thread: no manager
or feeder threads contending for the GIL, no futures crossing threads. Each call is
one length-prefixed pickle frame each way on a Unix socket pair that the running
asyncio loop watches (Scrapy's default asyncio reactor, or any running loop).

A call that runs longer than the pool's `budget` (seconds of the worker's own time, not
of waiting in its queue) is stopped by a timer signal in the worker and fails with
`OverBudget`; the worker goes on with its next call. A worker that dies fails its calls in
flight with `WorkerDied` and is forked anew on the next call; workers exit by themselves when the parent is gone (its end of the
socket closes, or its parent process id changes: even after kill -9).
"""
from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import pickle
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable
from typing import Any

_HEADER = struct.Struct("!I")
MAX_FRAME = 2**31 - 1


class WorkerDied(RuntimeError):
    """The worker process running a call exited before answering."""


class OverBudget(Exception):
    """A call ran past the pool's per-call budget and was stopped in its worker (which goes on)."""


def _over_budget(signum: int, frame: Any) -> None:
    raise OverBudget("the call ran past its time budget")


class _Channel(asyncio.Protocol):
    """The parent's end of one worker's socket: frames out, answers in, in order."""

    def __init__(self, worker: _Worker) -> None:
        self.worker = worker
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiting: list[asyncio.Future[Any]] = []  # answers come back in call order

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def send(self, payload: bytes, future: asyncio.Future[Any]) -> None:
        assert self.transport is not None
        self.waiting.append(future)
        self.transport.write(_HEADER.pack(len(payload)))
        self.transport.write(payload)

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        while len(buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(buffer)
            end = _HEADER.size + size
            if len(buffer) < end:
                break
            ok, value = pickle.loads(bytes(buffer[_HEADER.size:end]))
            del buffer[:end]
            future = self.waiting.pop(0)
            if future.done():
                continue  # the caller was cancelled
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    def connection_lost(self, exc: Exception | None) -> None:
        self.worker.lost(self)
        for future in self.waiting:
            if not future.done():
                future.set_exception(WorkerDied(f"worker {self.worker.pid} exited with calls in flight"))
        self.waiting.clear()


class _Worker:
    """One forked process and its socket; re-forked after it dies."""

    def __init__(self, function: Callable[..., Any], siblings: list[socket.socket],
                 budget: float | None = None) -> None:
        self.function = function
        self.budget = budget
        self.siblings = siblings  # every parent-side socket, closed in a new child
        self.process: multiprocessing.process.BaseProcess | None = None
        self.sock: socket.socket | None = None
        self.channel: _Channel | None = None
        self.ready: asyncio.Task[_Channel] | None = None  # the channel being opened, or open
        self.loop: asyncio.AbstractEventLoop | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    @property
    def in_flight(self) -> int:
        return len(self.channel.waiting) if self.channel else 0

    def start(self) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        context = multiprocessing.get_context("fork")
        self.process = context.Process(target=_serve, args=(child, self.function, parent, self.siblings, self.budget),
                                       name="spamline-worker", daemon=True)
        self.process.start()
        child.close()
        self.sock = parent
        self.siblings.append(parent)

    async def connect(self) -> _Channel:
        """This worker's channel on the running loop (forking the worker again if it died).

        Concurrent callers share one connection attempt: two transports reading one
        socket would split its answers between them.
        """
        loop = asyncio.get_running_loop()
        ready = self.ready
        if ready is None or self.loop is not loop or (ready.done() and (ready.cancelled() or ready.exception())):
            self.loop = loop
            self.ready = ready = loop.create_task(self._open(loop))
        return await ready

    async def _open(self, loop: asyncio.AbstractEventLoop) -> _Channel:
        if self.sock is None:
            self.start()
        assert self.sock is not None
        sock = self.sock.dup()  # the transport owns (and closes) its socket; keep ours for a new loop
        _, channel = await loop.connect_accepted_socket(lambda: _Channel(self), sock)
        self.channel = channel
        return channel

    def lost(self, channel: _Channel) -> None:
        """The current channel closed: the worker died, or its stream can no longer be
        trusted (a frame that did not unpickle); either way the next call forks a new one."""
        if channel is self.channel:
            self.channel = self.ready = None
            self.stop()

    def stop(self) -> None:
        channel, self.channel, self.ready = self.channel, None, None
        if channel is not None and channel.transport is not None and self.loop is not None \
                and not self.loop.is_closed():
            channel.transport.close()
        if self.sock is not None:
            self.siblings.remove(self.sock)
            self.sock.close()
            self.sock = None
        if self.process is not None:
            self.process.terminate()  # calls still in flight have failed with WorkerDied
            self.process.join()
            self.process = None


class WorkerPool:
    """`size` forked processes running `function(*args)` for `await pool.call(*args)`, each
    call stopped with OverBudget after `budget` seconds (None: no limit)."""

    def __init__(self, size: int, function: Callable[..., Any], budget: float | None = None) -> None:
        if size < 1:
            raise ValueError(f"a worker pool needs at least one worker, not {size}")
        if budget is not None and not budget > 0:
            raise ValueError(f"a worker pool's budget must be a positive number of seconds, not {budget}")
        self._parent_sockets: list[socket.socket] = []
        self.workers = [_Worker(function, self._parent_sockets, budget) for _ in range(size)]
        for worker in self.workers:
            worker.start()  # forked now, while the crawler is idle and small

    @property
    def pids(self) -> list[int]:
        return [w.pid for w in self.workers if w.pid is not None]

    async def call(self, *args: Any) -> Any:
        """`function(*args)` in the least busy worker; raises what it raised, or WorkerDied."""
        worker = min(self.workers, key=lambda w: w.in_flight)
        channel = await worker.connect()
        future = asyncio.get_running_loop().create_future()
        channel.send(pickle.dumps(args, pickle.HIGHEST_PROTOCOL), future)
        return await future

    def close(self) -> None:
        """Stop every worker (calls still in flight are lost: close when none is)."""
        for worker in self.workers:
            worker.stop()


def _serve(sock: socket.socket, function: Callable[..., Any], own_parent_end: socket.socket,
           siblings: list[socket.socket], budget: float | None) -> None:
    """The worker's loop: read a call, answer it (OverBudget after `budget` seconds); exit when
    the parent's end closes."""
    gc.freeze()  # the crawler's objects, inherited: never scanned (or copied) by collections here
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawler's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGALRM, _over_budget)
    for parent_end in [own_parent_end, *siblings]:
        parent_end.close()  # else a sibling's end stays open here and it never sees EOF
    parent = os.getppid()
    threading.Thread(target=_exit_with, args=(parent,), name="exit-with-parent", daemon=True).start()
    while True:
        header = _read(sock, _HEADER.size)
        if header is None:
            os._exit(0)
        (size,) = _HEADER.unpack(header)
        payload = _read(sock, size)
        if payload is None:
            os._exit(0)
        try:
            if budget is not None:
                signal.setitimer(signal.ITIMER_REAL, budget)
            answer = (True, function(*pickle.loads(payload)))
        except Exception as exc:  # noqa: BLE001 - sent back to the caller, who decides
            answer = (False, exc)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - an answer that cannot be pickled
            data = pickle.dumps((False, RuntimeError(f"unpicklable answer: {exc!r}")))
        if len(data) > MAX_FRAME:
            data = pickle.dumps((False, RuntimeError(f"answer of {len(data)} bytes is too large")))
        sock.sendall(_HEADER.pack(len(data)) + data)


def _exit_with(parent: int) -> None:
    """Exit once the parent is gone (a re-forked sibling may hold our socket's other end open)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _read(sock: socket.socket, size: int) -> bytes | None:
    """Exactly `size` bytes, or None at end of file."""
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(min(size - len(chunks), 1 << 20))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)

"""A process of its own for the sentence encoder, so the interpreter lock never makes the encoder wait.

The 8-bit encoder runs some 800 small torch operations per forward pass and gives the interpreter lock back during
each. In a process that also parses, masks, scores and stores reports, every operation then waits for the lock
(up to the interpreter's 5 ms switch interval) while another thread holds it: running the service's Python work
beside the encoder on threads gained nothing. In a process of its own the encoder computes on one core while
the service's threads use the other, and a batch's Python work overlaps its encoding; while every thread of the
service that computes only waits for vectors (:meth:`EncoderProcess.computing`, :meth:`EncoderProcess.waiting`), the
encoder may take the idle cores too (`models.sentence_vectors.use_idle_cores`).

The process is spawned (not forked: torch's thread pools do not survive a fork), loads the encoder on first use
and is kept for the life of the process that started it, which it does not outlive (a killed service leaves no
encoder behind). If it dies, the next call starts another. What it logs (converting the embedder, quantising
its layers) is logged by the process that started it, through its loggers.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from logging.handlers import QueueHandler, QueueListener

log = logging.getLogger(__name__)


class EncoderProcess:
    """One worker process that runs the functions it is given (module-level, picklable) one at a time, in order."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._logs: QueueListener | None = None
        self._lock = threading.Lock()
        self._context = multiprocessing.get_context("spawn")
        # Only this process writes it (under `_computing_lock`); the encoder process only reads it.
        self._computing = self._context.Value("i", 0, lock=False)
        """How many threads of this process compute beside the encoder now (:meth:`computing` less
        :meth:`waiting`), shared with the encoder process: at zero or below it may use the cores they leave."""
        self._computing_lock = threading.Lock()

    @contextmanager
    def computing(self) -> Iterator[None]:
        """Count this thread as computing beside the encoder while the block runs."""
        self._add_computing(1)
        try:
            yield
        finally:
            self._add_computing(-1)

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """Count this thread as waiting for the encoder (not computing) while the block runs."""
        self._add_computing(-1)
        try:
            yield
        finally:
            self._add_computing(1)

    def _add_computing(self, change: int) -> None:
        with self._computing_lock:
            self._computing.value += change

    def submit(self, function: Callable, *args) -> Future:
        """`function(*args)` run in the process (started first if needed); a future of its result."""
        with self._lock:
            pool = self._running()
            try:
                return pool.submit(function, *args)
            except BrokenProcessPool:
                log.warning("the encoder process had stopped: starting another")
                pool.shutdown(wait=False)
                self._pool = None
                return self._running().submit(function, *args)

    def _running(self) -> ProcessPoolExecutor:
        if self._pool is None:
            if self._logs is None:
                self._logs = QueueListener(self._context.Queue(), _Relay())
                self._logs.start()
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=self._context,
                initializer=_serve,
                initargs=(self._logs.queue, os.getpid(), self._computing),
            )
        return self._pool

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
            if self._logs is not None:
                self._logs.stop()
                self._logs = None


PARENT_CHECK_SECONDS = 1.0

_starter_computing = None
"""In the encoder process: the starting process's count of threads computing beside it (`EncoderProcess._computing`)."""


def starter_is_waiting() -> bool:
    """In the encoder process: whether every thread of the process that started it that computes is waiting for
    vectors now, so the cores it computes on are free. False anywhere else."""
    return _starter_computing is not None and _starter_computing.value <= 0


def _serve(queue, parent: int, computing) -> None:
    """In the encoder process: send every record from INFO up to the process that started it, and exit once that
    one is gone (its pipes stay open in this process, so no read would ever fail)."""
    global _starter_computing
    _starter_computing = computing
    root = logging.getLogger()
    root.handlers[:] = [QueueHandler(queue)]
    root.setLevel(logging.INFO)
    threading.Thread(target=_exit_without, args=(parent,), daemon=True, name="parent-watch").start()


def _exit_without(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


class _Relay(logging.Handler):
    """In the starting process: log the encoder process's records through the logger of the same name, at the
    levels it is configured for here."""

    def emit(self, record: logging.LogRecord) -> None:
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)


_shared: EncoderProcess | None = None
_shared_lock = threading.Lock()


def shared_encoder_process() -> EncoderProcess:
    """The one encoder process of this process: services started one after another in a process (tests) reuse it
    rather than loading torch and the encoder again; it stops when the process exits."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = EncoderProcess()
            atexit.register(_shared.close)
        return _shared

"""Blocking work off the event loop: database writes, the matcher and other CPU work run on one
worker thread, so the loop keeps receiving and sending while SQLite waits for a lock.

One thread, because the store's single SQLite connection must never be inside two transactions at
once; SQLite admits one writer at a time anyway. Reads that cannot wait (a user's language) stay on
the loop: in WAL mode they never wait for a writer.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from telegram.ext import Application, ContextTypes

EXECUTOR = "db_worker"
T = TypeVar("T")


def start_worker(application: Application) -> ThreadPoolExecutor:
    """The application's worker thread (created once)."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cekfakta-db")
    application.bot_data[EXECUTOR] = executor
    return executor


def stop_worker(application: Application) -> None:
    """Let queued work finish, then end the thread."""
    executor = application.bot_data.pop(EXECUTOR, None)
    if executor is not None:
        executor.shutdown(wait=True)


async def off_loop(context: ContextTypes.DEFAULT_TYPE | Application, fn: Callable[..., T], *args: Any,
                   **kwargs: Any) -> T:
    """Run `fn(*args, **kwargs)` on the worker thread and wait for it without blocking the loop."""
    bot_data = context.bot_data
    executor = bot_data.get(EXECUTOR)
    if executor is None:  # not started (a bare Application in a test): run here
        return fn(*args, **kwargs)
    # The caller's context goes along (the asker's hashed id that the question log reads, for one).
    context_copy = contextvars.copy_context()
    return await asyncio.get_running_loop().run_in_executor(
        executor, functools.partial(context_copy.run, fn, *args, **kwargs))

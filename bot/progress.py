"""Progress bars for long jobs (`kb load`, exports, `kb publish`), shown only in a terminal.

Off a terminal (a pipe, a log file, CI) nothing is drawn, so logs and captured output stay clean.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], total: int | None = None, description: str = "",
             stream: TextIO | None = None) -> Iterator[T]:
    """Yield `items`, drawing a bar on `stream` (default stderr) when it is a terminal."""
    with bar(total, description, stream) as advance:
        for item in items:
            yield item
            advance(1)


@contextmanager
def bar(total: int | None, description: str = "", stream: TextIO | None = None) -> Iterator[Callable[[int], None]]:
    """A bar on `stream` (default stderr) when it is a terminal; yields `advance(n)`."""
    stream = stream or sys.stderr
    if not stream.isatty():
        yield lambda n: None
        return
    from tqdm import tqdm

    try:
        size = os.get_terminal_size(stream.fileno())
        sized = size.columns > 0 and size.lines > 0
    except (OSError, ValueError):
        sized = False
    # A terminal that reports no size (a bare pseudo-terminal) would hide the bar: assume 80 x 24.
    size_options = {"dynamic_ncols": True} if sized else {"ncols": 80, "nrows": 24}
    with tqdm(total=total, desc=description, file=stream, leave=False, **size_options) as meter:
        yield meter.update

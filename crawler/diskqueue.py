"""The scheduler's disk queue (SCHEDULER_DISK_QUEUE): requests kept in JOBDIR, cheaply.

Scrapy's PickleFifoDiskQueue finds a request's callback name by listing every method of
the spider (inspect.getmembers) twice per request, which is most of its cost; this queue
remembers the names it found. Same file format (queuelib's FifoDiskQueue of pickled
request dicts, read back with Scrapy's request_from_dict) and same guarantees: a request
that cannot be pickled raises ValueError, and the scheduler keeps it in memory instead.
"""
from __future__ import annotations

import inspect
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from queuelib.queue import FifoDiskQueue
from scrapy import Request
from scrapy.utils.request import request_from_dict


class RequestDiskQueue(FifoDiskQueue):
    """A FIFO disk queue of requests under `key` (a folder, made when missing)."""

    def __init__(self, crawler: Any, key: str) -> None:
        Path(key).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(key)
        self.spider = crawler.spider
        self.names = method_names(self.spider)

    @classmethod
    def from_crawler(cls, crawler: Any, key: str, *args: Any, **kwargs: Any) -> RequestDiskQueue:
        return cls(crawler, key)

    def push(self, request: Request) -> None:  # type: ignore[override]
        data = {attr: getattr(request, attr) for attr in request.attributes}
        data["callback"] = self.names(request.callback)
        data["errback"] = self.names(request.errback)
        data["headers"] = dict(request.headers)
        if type(request) is not Request:
            data["_class"] = f"{type(request).__module__}.{type(request).__name__}"
        try:
            blob = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            raise ValueError(f"cannot keep {request} on disk: {exc}") from exc
        super().push(blob)

    def pop(self) -> Request | None:  # type: ignore[override]
        data = super().pop()
        return request_from_dict(pickle.loads(data), spider=self.spider) if data else None

    def peek(self) -> Request | None:  # type: ignore[override]
        data = super().peek()
        return request_from_dict(pickle.loads(data), spider=self.spider) if data else None

    def close(self) -> None:
        """Save the queue's state; an empty queue (the scheduler closes one whenever it
        drains) just drops its chunk file and keeps its folder for the next one, as
        removing a folder costs milliseconds on some file systems."""
        if len(self):
            super().close()
            return
        self.headf.close()
        self.tailf.close()
        Path(self.headf.name).unlink(missing_ok=True)
        Path(self.path, "info.json").unlink(missing_ok=True)


def method_names(spider: Any) -> Callable[[Any], Any]:
    """A function giving the spider's attribute name for a callback or errback (None and
    names pass through), remembered per method; raises ValueError for a callable that is
    not a method of the spider, as Scrapy's Request.to_dict does."""
    found: dict[Any, str] = {}

    def name(func: Any) -> Any:
        if not callable(func):
            return func
        target = getattr(func, "__func__", None)
        if target not in found:
            found[target] = _find_method(spider, func)
        return found[target]

    return name


def _find_method(spider: Any, func: Any) -> str:
    """The attribute name of method `func` on `spider`: its own name first, else a search."""
    target = getattr(func, "__func__", None)
    guess = getattr(func, "__name__", "")
    if target is not None and getattr(getattr(spider, guess, None), "__func__", None) is target:
        return guess
    for attr, method in inspect.getmembers(spider, predicate=inspect.ismethod):
        if target is not None and method.__func__ is target:
            return attr
    raise ValueError(f"Function {func} is not an instance method in: {spider}")

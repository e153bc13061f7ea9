"""A request's time budget for work that ends in a write (``POST /ingest``).

The work runs on a worker thread, off the event loop; the request waits for it at
most ``seconds``. Until the work reaches its write it can be given up: at the
deadline the request answers 503 and the worker, when its extraction returns (a
thread cannot be interrupted in the middle of spaCy), finds the budget spent and
writes nothing. Once writing has begun the write finishes and the request waits
for it, so an answer never says "nothing written" about a write that happened.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, TimeoutError as FutureTimeout
from typing import Callable, TypeVar

from kg.errors import BudgetExceeded

T = TypeVar("T")


class Budget:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._state = "working"  # → "writing" (the worker) or "spent" (either side)

    def check(self) -> None:
        """Raise BudgetExceeded if the budget is spent (cheap; call between steps)."""
        with self._lock:
            if self._state == "spent" or time.monotonic() > self.deadline:
                self._state = "spent"
                raise BudgetExceeded(self.reason())

    def start_writing(self) -> None:
        """The worker's last check before it writes; from here on it is not given up."""
        with self._lock:
            if self._state == "spent" or time.monotonic() > self.deadline:
                self._state = "spent"
                raise BudgetExceeded(self.reason())
            self._state = "writing"

    def give_up(self) -> bool:
        """The waiter's side at the deadline: False if the write already began."""
        with self._lock:
            if self._state == "writing":
                return False
            self._state = "spent"
            return True

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def reason(self) -> str:
        return (f"the documents were not extracted within this server's budget of "
                f"{self.seconds:g} s per request; nothing was written — send fewer or "
                "shorter documents, or load them with `kg ingest`")


def run_within(executor: ThreadPoolExecutor, budget: Budget,
               work: Callable[[Budget], T]) -> T:
    """``work(budget)`` on ``executor``; BudgetExceeded if it was given up unwritten."""
    future: Future = executor.submit(work, budget)
    try:
        return future.result(timeout=budget.remaining())
    except FutureTimeout:
        if budget.give_up():
            raise BudgetExceeded(budget.reason()) from None
        return future.result()  # writing had begun: let it finish

"""A callback once a second on the kernel's own event loop, for views that follow a clock or a room.

It never blocks the kernel (the facilitator keeps working in the notebook) and stops at the first error,
so a view whose widgets were closed does not tick on forever. Outside a running loop it does nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


def tick_every_second(callback: Callable[[], Any]) -> asyncio.Task[Any] | None:
    try:
        loop = asyncio.get_event_loop()
    except RuntimeError:
        return None
    if not loop.is_running():
        return None

    async def tick() -> None:
        while True:
            await asyncio.sleep(1)
            try:
                callback()
            except Exception:
                return

    return loop.create_task(tick())

"""What a sandboxed submission may use: one record shared by the grader and the child it starts."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Limits:
    """Times are wall-clock seconds; sizes are bytes. Memory, processes and disk hold for the whole process
    tree where cgroups and bubblewrap are available, and per process otherwise (see SECURITY.md)."""

    startup_timeout: float = 10.0
    request_timeout: float = 5.0
    memory: int = 512 << 20
    cpu_seconds: int = 60
    cores: float = 1.0  # the whole tree's CPU, where a cpu cgroup holds it
    file_size: int = 16 << 20
    disk: int = 64 << 20
    processes: int = 64
    crashes_per_route: int = 3
    timeouts_before_giving_up: int = 6
    crashes_before_giving_up: int = 40

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

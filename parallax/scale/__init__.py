"""Scaling out: the Ray engine (`ray_engine`) and the batch split it relies on (`batches`).

Importing this package does not import Ray; Ray is loaded when the Ray engine starts, and its
absence is a `parallax.errors.ConfigError` naming the extra to install (``parallax[ray]``).
"""

from __future__ import annotations

from parallax.scale.batches import BatchCompute, BatchMap, chunks, local_map
from parallax.scale.ray_engine import (
    RAY_MISSING,
    RayOptions,
    ray_session,
    ray_stages,
    require_ray,
)

__all__ = [
    "RAY_MISSING",
    "BatchCompute",
    "BatchMap",
    "RayOptions",
    "chunks",
    "local_map",
    "ray_session",
    "ray_stages",
    "require_ray",
]

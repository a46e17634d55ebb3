"""Counting methods and ballot formats. Pure: no I/O beyond the readers' byte input, no clock,
no randomness; numpy kernels."""

from councils.counting.methods import REGISTRY
from councils.counting.profile import Profile
from councils.counting.result import Count, Round

__all__ = ["REGISTRY", "Count", "Profile", "Round"]

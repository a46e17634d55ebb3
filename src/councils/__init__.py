"""Councils: self-government software for federations of councils.

The pure core is `councils.domain`, `councils.counting` and `councils.record`; everything else
is a thin layer around it (see docs/architecture.md).
"""

__all__ = ["__version__"]

__version__ = "0.1.0"

"""In-memory fakes and Hypothesis strategies, shared by tests/ and the simulator.

The fakes need nothing beyond the package; :mod:`councils.testing.strategies` needs Hypothesis
(a development dependency) and is imported on its own.
"""

from councils.testing.harness import Federation
from councils.testing.memory import InMemoryState
from councils.testing.record import InMemoryRecord
from councils.testing.supply import FixedSupply
from councils.testing.uow import InMemoryUnitOfWork

__all__ = ["Federation", "FixedSupply", "InMemoryRecord", "InMemoryState", "InMemoryUnitOfWork"]

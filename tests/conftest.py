"""Shared test configuration.

BLAS runs on one thread during the tests: results then do not depend on how
the machine splits a matrix product, and a busy 2-core machine is not slowed
down by oversubscribed BLAS threads.
"""

import matplotlib
import pytest
from threadpoolctl import threadpool_limits

matplotlib.use("Agg")


@pytest.fixture(autouse=True, scope="session")
def single_threaded_blas():
    with threadpool_limits(limits=1):
        yield

"""Brand tests reuse the sample-network captures built for the network tests."""
from tests.networks.conftest import captures, sample_net, truth  # noqa: F401  (fixtures)

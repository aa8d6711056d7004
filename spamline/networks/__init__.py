"""Networks: numbers, brands, domains and templates that belong together."""
from spamline.networks.build import BuildResult, assign_ids, build_networks, networks_from

__all__ = ["BuildResult", "assign_ids", "build_networks", "networks_from"]

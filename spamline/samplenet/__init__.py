"""The local sample spam network used by tests, benchmarks and `spamline demo`.

    from spamline.samplenet import SampleNetworkServer
    with SampleNetworkServer(seed=1) as srv:
        srv.seed_urls, srv.host_map, srv.ground_truth

All brands, domains (`.test`) and phone numbers are invented.
"""
from spamline.samplenet.pages import Occurrence, Page, PageTruth, render_page
from spamline.samplenet.server import SampleNetworkServer
from spamline.samplenet.site import SampleNetwork, Site, SpamNetwork
from spamline.samplenet.truth import GroundTruth, Score

__all__ = [
    "GroundTruth", "Occurrence", "Page", "PageTruth", "SampleNetwork", "SampleNetworkServer",
    "Score", "Site", "SpamNetwork", "render_page",
]

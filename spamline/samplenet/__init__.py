"""The local sample spam network used by tests, benchmarks and `spamline demo`.

    from spamline.samplenet import SampleNetworkServer
    with SampleNetworkServer(seed=1) as srv:          # 168 pages on 12 `.test` hosts
        srv.seed_urls                                  # root URL of every host
        srv.host_map                                   # {"host.test": "127.0.0.1"} for the resolver
        truth = srv.ground_truth                       # GroundTruth: .pages, .networks, .hubs, .official
        truth.score({url: {e164, ...}})                # precision / recall of what a crawl found
        srv.write_ground_truth("gt.json")
        srv.remove(url, status=410); srv.change_number(url, old, new); srv.restore(url)

Without a server: `SampleNetwork(seed, pages_per_site)`, `render_page(net, host, path, port)` and
`render_all(net, port)` (every page);
`SampleNetwork.large(total_pages=100_000)` renders every page lazily.
Humans: `python -m spamline.samplenet --port 8080 --ground-truth gt.json`.

All brands, domains (`.test`) and phone numbers are invented.
"""
from spamline.samplenet.pages import (
    Occurrence,
    Page,
    PageTruth,
    render_all,
    render_page,
)
from spamline.samplenet.server import SampleNetworkServer
from spamline.samplenet.site import SampleNetwork, Site, SpamNetwork
from spamline.samplenet.truth import GroundTruth, Score

__all__ = [
    "GroundTruth", "Occurrence", "Page", "PageTruth", "SampleNetwork", "SampleNetworkServer",
    "Score", "Site", "SpamNetwork", "render_all", "render_page",
]

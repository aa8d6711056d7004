"""Serve the sample network for humans: `python -m spamline.samplenet --port 8080 --seed 1`."""
from __future__ import annotations

import argparse
import threading

from spamline.samplenet import SampleNetworkServer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m spamline.samplenet", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages-per-site", type=int, default=12)
    parser.add_argument("--ground-truth", metavar="FILE", help="write the ground-truth JSON here")
    args = parser.parse_args(argv)
    try:
        with SampleNetworkServer(seed=args.seed, pages_per_site=args.pages_per_site, port=args.port) as srv:
            print(f"sample network (seed {args.seed}) on 127.0.0.1:{srv.port}, "
                  f"{srv.network.page_count} pages; map these hosts to 127.0.0.1:")
            for host in srv.host_map:
                print(f"  {host}")
            print("seed URLs:")
            for url in srv.seed_urls:
                print(f"  {url}")
            print(f"try: curl -H 'Host: {srv.network.hosts[0]}' http://127.0.0.1:{srv.port}/")
            if args.ground_truth:
                print(f"ground truth: {srv.write_ground_truth(args.ground_truth)}")
            print("Ctrl-C to stop", flush=True)
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        parser.error(f"cannot serve on 127.0.0.1:{args.port}: {exc.strerror}; pick another --port or 0")


if __name__ == "__main__":
    main()

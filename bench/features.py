"""Cost of `page_features` against an earlier revision of the code, and whether they agree.

    python bench/features.py [--baseline REV] [--rounds N] [--quick]

The pages: the sample network (seeds 1 and 2, as served) and the real-world-shaped corpus
(tests/corpus/realworld), each read once by `extract_document` in this process. Two kinds of
child process then run `page_features` over those same inputs: one on this worktree's code, one
on REV's `spamline/` (exported with `git archive`), alternating, `--rounds` times each; each
reports its CPU time per page (best of its runs) and every PageFeatures field of every page,
with no registered brand and with the sample network's official brands registered. Prints
ms/page for both, the ratio, and the pages whose features differ (exit 1 if any do).
"""
from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "e67bce0"  # the last commit before page_features was made faster (issue 15)

CHILD = r"""
import dataclasses, pickle, sys, time
from spamline.brands.features import page_features
from spamline.brands.registry import BrandIndex
sets, brands, repeat = pickle.load(open(sys.argv[1], "rb"))
out = {"ms": {}, "features": {}}
for label, index in (("none", BrandIndex([])), ("registered", BrandIndex(brands))):
    out["features"][label] = []
    for name, inputs in sets.items():
        best = float("inf")
        for _ in range(repeat):
            start = time.process_time()
            got = [page_features(t, x, h, m, index, u) for t, x, h, m, u in inputs]
            best = min(best, time.process_time() - start)
        out["ms"][(name, label)] = 1000 * best / len(inputs)
        out["features"][label] += [dataclasses.asdict(f) for f in got]
pickle.dump(out, open(sys.argv[2], "wb"))
"""


def inputs(quick: bool) -> tuple[dict[str, list[tuple]], list, list[str]]:
    """(title, text, hits, html, url) per page of each set, the registered brands, and the
    pages' names (in the sets' order)."""
    sys.path.insert(0, str(ROOT))
    import yaml

    from spamline.brands.features import html_of
    from spamline.model import Brand
    from spamline.phones import extract_document
    from spamline.samplenet.pages import render_page
    from spamline.samplenet.site import SampleNetwork

    sets: dict[str, list[tuple]] = {"sample network": [], "corpus": []}
    names, brands = [], []

    def add(where: str, name: str, body: bytes, content_type: str, url: str) -> None:
        doc = extract_document(body, content_type=content_type, url=url)
        sets[where].append((doc.title, doc.text, doc.hits, html_of(body, content_type, doc.encoding), url))
        names.append(name)

    for seed in (1,) if quick else (1, 2):
        net = SampleNetwork(seed)
        aliases = {b.name: b.alias for n in net.networks.values() for b in n.brands}
        brands += [Brand(name, [aliases.get(name, "")], list(nums)) for name, nums in net.official.items()]
        for host in net.hosts:
            for path in net.paths(host):
                page = render_page(net, host, path, 8000)
                add("sample network", f"seed{seed}:{page.url}", page.body, page.content_type, page.url)
    corpus = ROOT / "tests/corpus/realworld"
    labels = yaml.safe_load((corpus / "labels.yaml").read_text(encoding="utf-8"))
    for file, label in labels.items():
        add("corpus", file, (corpus / file).read_bytes(), "text/html", label["url"])
    return sets, brands, names


def export(rev: str, into: Path) -> Path:
    """REV's spamline/ package under `into` (the compiled extensions are not needed here)."""
    tar = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "spamline"],
                         check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(tar)) as t:
        t.extractall(into, filter="data")
    return into


def run(code_root: Path, data: Path, out: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code_root)}
    subprocess.run([sys.executable, "-c", CHILD, str(data), str(out)], check=True, env=env,
                   cwd=code_root)
    return pickle.loads(out.read_bytes())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    ap.add_argument("--rounds", type=int, default=3, help="child processes of each kind")
    ap.add_argument("--repeat", type=int, default=3, help="runs over all pages in each child")
    ap.add_argument("--quick", action="store_true", help="seed 1 and the corpus only")
    args = ap.parse_args()
    sets, brands, names = inputs(args.quick)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "inputs.pickle"
        data.write_bytes(pickle.dumps((sets, brands, args.repeat)))
        old_root = export(args.baseline, Path(tmp) / "old")
        ms: dict[str, dict[tuple[str, str], list[float]]] = {"old": {}, "new": {}}
        results = {}
        for _ in range(args.rounds):
            for kind, root in (("old", old_root), ("new", ROOT)):
                results[kind] = run(root, data, Path(tmp) / f"{kind}.pickle")
                for label, value in results[kind]["ms"].items():
                    ms[kind].setdefault(label, []).append(value)
    print(f"load average {os.getloadavg()[0]:.1f}; CPU time per page, best of {args.rounds * args.repeat}")
    print(f"{'pages':28} {'registered brands':18} {args.baseline + ' ms':>12} {'this ms':>8} {'speed-up':>9}")
    for name, pages in sets.items():
        chars = sum(len(p[1]) for p in pages) / len(pages) / 1000
        for label in ("none", "registered"):
            old, new = min(ms["old"][(name, label)]), min(ms["new"][(name, label)])
            print(f"{f'{name} ({len(pages)}, {chars:.1f} K chars)':28} {label:18} {old:12.3f} "
                  f"{new:8.3f} {old / new:8.2f}x")
    total = sum(len(p) for p in sets.values())
    differ = [(label, names[i], key)
              for label in ("none", "registered")
              for i, (a, b) in enumerate(zip(results["old"]["features"][label],
                                             results["new"]["features"][label]))
              for key in a if a[key] != b[key]]
    print(f"features identical on all {total} pages: {not differ}")
    for label, name, key in differ[:20]:
        print(f"  differs ({label} brands): {name}: {key}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())

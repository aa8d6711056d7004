"""What `pip install .` puts into site-packages: only the `spamline` import package."""
from __future__ import annotations

import configparser
import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_crawler_and_pipelines_install_under_the_project_namespace(tmp_path: Path) -> None:
    build = subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(tmp_path)],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spamline"]
    for module in ("crawler/settings.py", "crawler/spiders/spam.py", "pipelines/extract.py",
                   "evidence/templates/report.html", "store/kibana.ndjson"):
        assert (tmp_path / "spamline" / module).is_file(), module


def test_scrapy_and_scrapyd_find_the_settings_by_their_namespaced_name() -> None:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "scrapy.cfg")
    entry = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]["scrapy"]
    assert cfg["settings"]["default"] == entry["settings"] == "spamline.crawler.settings"
    settings = importlib.import_module(entry["settings"])
    assert all(path.startswith("spamline.") for path in settings.ITEM_PIPELINES)

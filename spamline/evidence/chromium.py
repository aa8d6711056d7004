"""Debian's headless chromium, run offline: screenshots of archived pages, PDF reports.

Every run gets a fresh profile in a temporary folder and sends all traffic to a
dead proxy (`--proxy-server=127.0.0.1:9`, loopback included), so nothing it
renders can reach the network; `allow` names the one origin it may load from.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence

BROWSERS = ("/usr/bin/chromium", "chromium", "chromium-browser")


class BrowserError(RuntimeError):
    """Chromium is missing, failed, or took too long."""


def find_browser() -> str | None:
    """Path of a usable chromium, or None."""
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def run_headless(args: Sequence[str], url: str, *, timeout: float, browser: str | None = None,
                 allow: str = "", scrollbars: bool = False) -> subprocess.CompletedProcess[bytes]:
    """Run headless chromium on `url` with extra `args`; kill it after `timeout` seconds.
    Scrollbars are hidden unless `scrollbars` (a screenshot then shows whether the page
    overflows the window, and by how much)."""
    browser = browser or find_browser()
    if browser is None:
        raise BrowserError("no chromium found; install Debian's chromium package")
    with tempfile.TemporaryDirectory(prefix="spamline-chromium-", ignore_cleanup_errors=True) as home:
        bypass = f"<-loopback>;{allow}" if allow else "<-loopback>"  # this order only
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", "--no-default-browser-check", f"--user-data-dir={home}/profile",
               "--proxy-server=127.0.0.1:9", f"--proxy-bypass-list={bypass}",
               *([] if scrollbars else ["--hide-scrollbars"]), *args, url]
        # its own process group, so a timeout ends chromium's helper processes too
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env={**os.environ, "HOME": home}, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise BrowserError(f"chromium took longer than {timeout:g}s") from exc
        finally:
            _end_group(proc)
        return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _end_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill what is left of the browser's process group and reap the browser."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.communicate()


def print_pdf(html_path: str, pdf_path: str, *, timeout: float = 120) -> None:
    """Print a local HTML file to PDF (no header or footer lines)."""
    proc = run_headless([f"--print-to-pdf={pdf_path}", "--no-pdf-header-footer"],
                        "file://" + os.path.abspath(html_path), timeout=timeout)
    if not os.path.exists(pdf_path) or os.path.getsize(pdf_path) == 0:
        raise BrowserError(f"chromium exited {proc.returncode} without a PDF: "
                           f"{proc.stderr.decode(errors='replace')[-300:]}")

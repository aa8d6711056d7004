"""Debian's chromium, headless, drives the real server: search, network, replay, export.

Set SPAMLINE_SCREENSHOT_DIR to keep screenshots of the main pages (docs/screenshots).
"""
from __future__ import annotations

import logging
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from spamline.evidence.signing import Trust
from spamline.evidence.verify import verify_package
from tests.web.conftest import FAKE_GLOBEX, SHARED

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--window-size=1280,900"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)),
                       reason=f"needs Debian's chromium and chromedriver at {CHROMIUM} and "
                              f"{CHROMEDRIVER} (apt-get install chromium chromium-driver)"),
]
webdriver = pytest.importorskip("selenium.webdriver",
                                reason="needs selenium (pip install selenium)")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


class LogLines(logging.Handler):
    """Every log line the server writes while the tests run."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="module")
def server(site):
    """uvicorn serving the app on a free 127.0.0.1 port, in a thread; its log captured."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(site.app(), host="127.0.0.1", port=port,
                                       log_level="debug", access_log=True))
    log = LogLines()  # attached after Config, which resets uvicorn's logging
    for name in ("uvicorn", "uvicorn.access", "uvicorn.error", "spamline"):
        logging.getLogger(name).addHandler(log)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", log
    srv.should_exit = True
    thread.join(10)
    for name in ("uvicorn", "uvicorn.access", "uvicorn.error", "spamline"):
        logging.getLogger(name).removeHandler(log)


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.add_experimental_option("prefs", {
        "download.default_directory": str(tmp_path / "downloads"),
        "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=CHROMEDRIVER),
                              options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {
        "behavior": "allow", "downloadPath": str(tmp_path / "downloads")})
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()


def shot(driver, name: str) -> None:
    folder = os.environ.get("SPAMLINE_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def login(driver, base: str, token: str, target: str = "/") -> None:
    driver.get(base + target)
    assert "/login" in driver.current_url
    shot(driver, "login")
    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: "/login" not in d.current_url)


def wait(driver):
    return WebDriverWait(driver, 10)


def test_search_number_open_network_and_replay(server, site, browser):
    base, log = server
    login(browser, base, site.analyst)
    box = browser.find_element(By.NAME, "q")
    box.send_keys("+86 400 666 0000\n")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "table.rows")))
    shot(browser, "search")
    assert "globex-help.test" in browser.page_source and "acme-help.test" in browser.page_source
    browser.find_element(By.ID, "number-link").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "network-link")))
    shot(browser, "number")
    browser.find_element(By.ID, "network-link").click()
    picture = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "figure img")))
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth",
                                  picture) > 0, "the network picture did not load"
    shot(browser, "network")
    browser.find_element(By.PARTIAL_LINK_TEXT, "Acme refund hotline").click()
    frame = wait(browser).until(EC.presence_of_element_located((By.ID, "replay")))
    assert frame.get_attribute("sandbox") == ""
    browser.switch_to.frame(frame)
    assert wait(browser).until(lambda d: d.find_element(By.TAG_NAME, "h1").text) == \
        "Acme refund hotline"  # the archived page is shown ...
    title = browser.find_element(By.TAG_NAME, "title").get_attribute("textContent")
    assert title == "Acme refund hotline"  # ... and its script did not rename it
    browser.switch_to.default_content()
    shot(browser, "page")
    time.sleep(0.5)  # give a script, had it run, time to call the API
    assert any("GET /replay/" in line for line in log.lines)  # the log is being captured
    calls = [line for line in log.lines if "/api/me" in line or "POST /exports" in line]
    assert calls == [], f"the archived page reached the app: {calls}"
    assert "PWNED" not in browser.title


def test_the_same_script_does_run_outside_the_sandbox(browser):
    """Control: the check above would see the script if it ran."""
    from tests.web.conftest import EVIL_SCRIPT
    browser.get("data:text/html,<title>before</title>" + EVIL_SCRIPT.replace("#", "%23"))
    assert wait(browser).until(lambda d: d.title != "before")
    assert browser.title.startswith(("PWNED", "API"))


def test_brand_owner_exports_and_downloads_a_package(server, site, browser, tmp_path):
    base, log = server
    login(browser, base, site.acme, "/networks")
    shot(browser, "networks")
    browser.find_element(By.LINK_TEXT, "net-a").click()
    browser.find_element(By.CSS_SELECTOR, "button.export").click()
    link = wait(browser).until(EC.presence_of_element_located((By.ID, "made-link")))
    shot(browser, "downloads")
    name = link.text
    link.click()
    target = tmp_path / "downloads" / name
    deadline = time.monotonic() + 15
    while not target.exists():
        assert time.monotonic() < deadline, f"{name} was not downloaded"
        time.sleep(0.1)
    time.sleep(0.3)  # chromium renames the .crdownload when complete
    assert verify_package(target, trust=Trust.of_data_dir(site.data_dir.root)).problems == []
    browser.get(f"{base}/numbers/{SHARED}")
    assert "globex-help.test" not in browser.page_source
    for path in (f"/numbers/{FAKE_GLOBEX}", "/networks/net-b", "/brands/Globex",
                 "/page?url=http://globex-help.test/"):
        browser.get(base + path)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Not found", path
    shot(browser, "not-found")
    tokens = (site.analyst, site.acme, site.globex)
    assert not [line for line in log.lines if any(t in line for t in tokens)]
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)

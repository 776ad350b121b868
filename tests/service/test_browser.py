"""The two pages in headless Chromium (Debian's /usr/bin/chromium) via Playwright, against the live
server over the real engine. Each test saves screenshots under its tmp_path."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.service.conftest import EXAMPLE_QUESTION, FREE_TOUR_KEY

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("QA_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 30_000

if not Path(CHROMIUM).exists():  # CI installs it (scripts/ensure-chromium.sh); say so rather than fail obscurely
    pytest.skip(f"{CHROMIUM} missing: apt-get install -y chromium", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Page:
    """A page plus what it did: dialogs that fired and script errors."""

    def __init__(self, browser, base_url, tmp_path, viewport=None, permissions=()) -> None:
        self.context = browser.new_context(viewport=viewport or {"width": 1200, "height": 900}, locale="zh-CN")
        if permissions:
            self.context.grant_permissions(list(permissions), origin=base_url)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.base_url = base_url
        self.tmp_path = tmp_path
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def goto(self, path: str):
        self.page.goto(self.base_url + path)
        return self.page

    def shot(self, name: str) -> Path:
        """Screenshot into the test's tmp_path (and $QA_SCREENSHOT_DIR when set, to keep them)."""
        path = self.tmp_path / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=False)
        keep = os.environ.get("QA_SCREENSHOT_DIR")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            (Path(keep) / path.name).write_bytes(path.read_bytes())
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def make_page(browser, base_url, tmp_path):
    pages: list[Page] = []

    def make(**kw) -> Page:
        p = Page(browser, base_url, tmp_path, **kw)
        pages.append(p)
        return p

    yield make
    for p in pages:
        p.close()


def ask(page, question: str, nth: int):
    """Type a question, press Enter, wait for the nth (0-based) finished answer bubble."""
    page.fill("#question", question)
    page.press("#question", "Enter")
    bubble = page.locator(".msg.bot").nth(nth)
    page.locator(".msg.bot[data-state]").nth(nth).wait_for()
    assert bubble.get_attribute("data-state") == "done", bubble.inner_text()
    return bubble


def test_chat_answer_citation_and_source(make_page, tmp_path):
    p = make_page()
    page = p.goto("/")
    assert page.title() == "衢州政报问答"
    p.shot("chat-empty")
    page.get_by_role("button", name=EXAMPLE_QUESTION).click()
    bubble = page.locator(".msg.bot").first
    page.locator(".msg.bot[data-state]").first.wait_for()
    assert bubble.get_attribute("data-state") == "done", bubble.inner_text()
    assert bubble.get_attribute("data-found") == "true"
    answer = bubble.locator(".answer").inner_text()
    assert "烂柯山" in answer
    chips = bubble.locator(".chip")
    assert chips.count() >= 1
    assert FREE_TOUR_KEY in chips.first.inner_text()
    p.shot("chat-answer")

    chips.first.click()
    panel = page.locator("#source-panel")
    panel.locator(".block.target").wait_for()
    assert "全球免费游衢州" in page.locator("#source-title").inner_text()
    assert "免费时间" in page.locator("#source-section").inner_text()
    marked = panel.locator(".target mark.hl, .target tr.hl-row")
    assert marked.count() >= 1, "the quote is highlighted in the cited text"
    quote = page.locator("#source-quote").inner_text()
    assert re.sub(r"\s", "", quote) in re.sub(r"\s", "", panel.locator(".target").inner_text())
    p.shot("chat-source")
    page.keyboard.press("Escape")
    assert panel.is_hidden()
    assert not p.errors and not p.dialogs


def test_chat_table_citation_highlights_the_row(make_page):
    p = make_page()
    page = p.goto("/")
    bubble = ask(page, "龙游县2018年研发经费支出是多少?", 0)
    assert bubble.get_attribute("data-found") == "true"
    bubble.locator(".chip").first.click()
    page.locator("#source-panel .block.target").wait_for()
    row = page.locator("#source-panel .target tr.hl-row, #source-panel .target mark.hl")
    assert row.count() >= 1 and "龙游县" in row.first.inner_text()
    p.shot("chat-table-source")


def test_chat_follow_up_in_the_same_session(make_page):
    """The follow-up is resolved against the first question through the session cookie, which the
    page's scripts cannot read; 开始新对话 makes the server forget it."""
    p = make_page()
    page = p.goto("/")
    ask(page, EXAMPLE_QUESTION, 0)
    session = page.locator("body").get_attribute("data-session")
    assert session
    follow = ask(page, "那12月呢?", 1)
    assert page.locator("body").get_attribute("data-session") == session
    assert follow.locator(".answer").inner_text().strip()
    assert "12月" in follow.locator(".understood").inner_text() and "景区" in follow.locator(".understood").inner_text()
    assert "对话进行中" in page.locator("#session-state").inner_text()
    cookie = next(c for c in p.context.cookies() if c["name"] == "qa_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/v1/"
    assert "qa_session" not in page.evaluate("document.cookie")
    assert cookie["value"] not in page.evaluate("JSON.stringify(sessionStorage)")
    assert cookie["value"].split(".")[0] not in page.content(), "the session id is nowhere in the page"
    p.shot("chat-follow-up")
    with page.expect_response(lambda r: r.url.endswith("/v1/session") and r.request.method == "DELETE"):
        page.get_by_role("button", name="开始新对话").click()
    assert page.locator(".msg").count() == 0 and not page.locator("body").get_attribute("data-session")
    assert not [c for c in p.context.cookies() if c["name"] == "qa_session"]
    fresh = ask(page, "那12月呢?", 0)
    assert fresh.locator(".understood").count() == 0, "a new conversation does not rewrite from the old topic"
    assert not p.errors and not p.dialogs


def test_api_docs_page_renders_under_its_policy(make_page):
    """/docs runs Swagger UI from an inline script that the CSP allows by hash: it renders the
    operations and the browser reports no policy violation."""
    p = make_page()
    console: list[str] = []
    p.page.on("console", lambda m: console.append(m.text))
    page = p.goto("/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 8
    assert not [m for m in console if "Content Security Policy" in m], console
    assert not p.errors
    p.shot("api-docs")


def test_chat_not_found_is_said_plainly(make_page):
    p = make_page()
    page = p.goto("/")
    bubble = ask(page, "火星基地的氧气配额是多少?", 0)
    assert bubble.get_attribute("data-found") == "false"
    assert "本期公报未作规定" in bubble.inner_text()
    assert bubble.locator(".notfound-note").is_visible()
    p.shot("chat-not-found")


def test_chat_on_a_phone_screen(make_page):
    p = make_page(viewport={"width": 390, "height": 844})
    page = p.goto("/")
    bubble = ask(page, "市防指的防汛物资仓库要多大?", 0)
    assert "1000平方米" in bubble.inner_text()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, "no horizontal scrolling on a phone"
    assert page.locator("#send").is_visible() and page.locator("#question").is_visible()
    p.shot("chat-phone")
    bubble.locator(".chip").first.click()
    page.locator("#source-panel .block.target").wait_for()
    assert page.locator("#source-close").is_visible()
    p.shot("chat-phone-source")


def test_lookup_search_select_and_copy(make_page):
    p = make_page(permissions=("clipboard-read", "clipboard-write"))
    page = p.goto("/lookup")
    page.locator("body[data-ready=true]").wait_for()
    options = page.locator("#doc option")
    assert options.count() > 10
    page.select_option("#doc", FREE_TOUR_KEY)
    page.fill("#q", "免费时间")
    page.press("#q", "Enter")
    hits = page.locator(".hit")
    hits.first.wait_for()
    assert all(t == FREE_TOUR_KEY for t in page.locator(".hit .docno").all_inner_texts())
    first = hits.first
    assert first.locator("mark.term").count() >= 1, "matched terms are highlighted"
    assert "BM25" in first.locator(".scores").inner_text()
    paths = page.locator(".hit .path").all_inner_texts()
    target = next(i for i, s in enumerate(paths) if s == "二、活动内容 / (三)免费时间")

    page.press("#q", "ArrowDown")  # into the list, keyboard only
    for _ in range(target):
        page.keyboard.press("ArrowDown")
    assert page.locator(".hit.selected").get_attribute("data-index") == str(target)
    page.keyboard.press("c")
    page.locator("#copy-status:not([hidden])").wait_for()
    copied = page.locator("#copy-status").get_attribute("data-text")
    try:
        clipboard = page.evaluate("() => navigator.clipboard.readText()")
    except Exception:  # noqa: BLE001 - a browser without clipboard access: the DOM copy is the record
        clipboard = copied
    assert clipboard == copied
    first_line, quote = copied.split("\n", 1)
    assert first_line == ("《衢州市人民政府办公室关于组织开展“全球免费游衢州”活动的通知》"
                          "(衢政办发〔2017〕29号) 二、活动内容 / (三)免费时间")
    assert quote.startswith("“") and quote.endswith("”") and "免费" in quote
    p.shot("lookup-copied")

    page.keyboard.press("ArrowUp")
    assert page.locator(".hit.selected").get_attribute("data-index") == str(max(0, target - 1))
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.id") == "q"
    assert not p.errors and not p.dialogs


def test_lookup_all_documents_and_kind_filter(make_page):
    p = make_page()
    page = p.goto("/lookup")
    page.locator("body[data-ready=true]").wait_for()
    page.select_option("#kind", "table_row")
    page.fill("#q", "龙游县 研发经费")
    page.press("#q", "Enter")
    page.locator(".hit").first.wait_for()
    kinds = set(page.locator(".hit .kind").all_inner_texts())
    assert kinds == {"表格行"}
    p.shot("lookup-table-rows")


XSS = '<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2;alert(2)</script>'


def test_xss_in_chat_stays_text(make_page):
    p = make_page()
    page = p.goto("/")
    bubble = ask(page, XSS, 0)
    user = page.locator(".msg.user").first
    assert user.inner_text() == XSS
    assert page.locator(".log img, .log script").count() == 0
    assert bubble.get_attribute("data-found") in ("true", "false")
    follow = ask(page, "那<b>12月</b><svg onload=alert(3)>呢?", 1)
    assert page.locator(".log b, .log svg").count() == 0
    assert follow.locator(".answer").inner_text()
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned") is None
    assert p.dialogs == []
    p.shot("chat-xss")


def test_xss_in_lookup_stays_text(make_page):
    p = make_page()
    page = p.goto("/lookup")
    page.locator("body[data-ready=true]").wait_for()
    page.fill("#q", XSS + " 景区")
    page.press("#q", "Enter")
    page.locator("#status:not(:empty)").wait_for()
    page.wait_for_timeout(300)
    assert page.locator("#hits img, #hits script, #status img").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    assert p.dialogs == []
    p.shot("lookup-xss")

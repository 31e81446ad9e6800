"""The built book in a real browser, offline.

Serves ``_build/html`` on 127.0.0.1, opens every page of the book in Debian's
Chromium (driven by Playwright) and aborts every request that would leave
127.0.0.1.  For each page it checks that nothing was blocked, the console and
the page report no error, the math is typeset, every image loads and is
described, headings do not skip levels, internal links and anchors resolve and
the page fits a phone's width; and that the saved widgets render, the
animations step, exercise solutions expand and the search page works.
Screenshots at laptop and phone width go to ``_build/screenshots/``.
The lecture slides (``_build/html/slides/``, one reveal.js deck per chapter)
are opened the same way: each loads offline without errors with its math
typeset and no MyST syntax left, and one deck is advanced slide by slide.

Run it after ``bash scripts/build_book.sh``.  It is skipped (with the reason)
when the book is not built, Chromium is missing (``apt-get install -y
chromium``) or the ``playwright`` package is not installed.  It never runs
``playwright install``: it drives ``/usr/bin/chromium``.
"""

from __future__ import annotations

import functools
import html.parser
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML_DIR = ROOT / "_build" / "html"
SCREENSHOT_DIR = ROOT / "_build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# Pages made by Sphinx itself rather than written for the book.
GENERATED_PAGES = {"genindex.html", "search.html", "py-modindex.html"}
NOT_PAGES = {"_static", "_sources", "_vendor", "_images", "slides"}  # decks: see the end

if not (HTML_DIR / "index.html").is_file():
    pytest.skip(
        "the book is not built (_build/html/index.html missing): run "
        "`bash scripts/build_book.sh` first",
        allow_module_level=True,
    )
if not CHROMIUM.is_file():
    pytest.skip(
        "Chromium is not installed at /usr/bin/chromium "
        "(apt-get install -y chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed"
)


def book_pages() -> list[str]:
    """Every HTML page of the book, relative to _build/html (posix)."""
    pages = []
    for path in sorted(HTML_DIR.rglob("*.html")):
        relative = path.relative_to(HTML_DIR)
        if relative.parts[0] in NOT_PAGES or relative.as_posix() in GENERATED_PAGES:
            continue
        if relative.as_posix() == "index.html" and _is_redirect(path):
            continue
        pages.append(relative.as_posix())
    return pages


def _is_redirect(path: Path) -> bool:
    return 'http-equiv="Refresh"' in path.read_text(encoding="utf-8", errors="replace")


PAGES = book_pages()
CHAPTERS = [page for page in PAGES if page.startswith("chapters/")]


# --------------------------------------------------------------------------
# Server and browser
# --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def base_url():
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
         "--directory", str(HTML_DIR)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("http.server did not start")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


class Recorder:
    """What a browser context did: blocked requests, errors, failed loads."""

    def __init__(self):
        self.blocked: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.failed_loads: list[str] = []

    def route(self, route):
        host = urlsplit(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def watch(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("response", self._response)
        page.on("requestfailed", self._request_failed)

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location})")

    def _response(self, response):
        if response.status >= 400:
            self.failed_loads.append(f"{response.status} {response.url}")

    def _request_failed(self, request):
        if urlsplit(request.url).hostname == "127.0.0.1":
            self.failed_loads.append(f"{request.failure} {request.url}")


ALL_BLOCKED: list[str] = []
OPENED: list[tuple[str, Recorder]] = []  # every visit, for the summary at the end


@pytest.fixture(scope="module")
def open_page(browser, base_url):
    """open_page(page, viewport) -> (playwright page, Recorder), fully settled."""
    contexts = []

    def _open(page_path: str, viewport=LAPTOP):
        recorder = Recorder()
        context = browser.new_context(viewport=viewport, service_workers="block")
        contexts.append(context)
        context.route("**/*", recorder.route)
        page = context.new_page()
        recorder.watch(page)
        page.goto(base_url + page_path, wait_until="load")
        _settle(page)
        ALL_BLOCKED.extend(recorder.blocked)
        OPENED.append((page_path, recorder))
        return page, recorder

    yield _open
    for context in contexts:
        context.close()


WAIT_FOR_MATHJAX = """async () => {
    if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
        await window.MathJax.startup.promise;
    }
}"""

WAIT_FOR_IMAGES = """async () => {
    const images = Array.from(document.images);
    images.forEach(img => { img.loading = "eager"; });
    await Promise.all(images.map(img => img.complete ? null : new Promise(resolve => {
        img.addEventListener("load", resolve, {once: true});
        img.addEventListener("error", resolve, {once: true});
        setTimeout(resolve, 10000);
    })));
}"""

WIDGETS_RENDERED = """() => {
    const views = document.querySelectorAll(
        'script[type="application/vnd.jupyter.widget-view+json"]');
    return Array.from(views).every(
        script => script.parentElement.querySelector(".jupyter-widgets, .lm-Widget"));
}"""


def _settle(page):
    """Wait until math, images and saved widgets have rendered."""
    page.evaluate(WAIT_FOR_MATHJAX)
    if page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count():
        page.wait_for_function(WIDGETS_RENDERED, timeout=20000)
        page.evaluate(WAIT_FOR_MATHJAX)
    page.evaluate(WAIT_FOR_IMAGES)


@pytest.fixture(scope="module")
def reports(open_page):
    """reports(page) -> facts from ONE laptop-width visit (pages are slow to
    render: MathJax and the widget manager), including the interactive checks."""
    cache = {}

    def _get(page_path):
        if page_path not in cache:
            page, recorder = open_page(page_path)
            facts = page.evaluate(PAGE_FACTS)
            facts["widgets"] = _widget_facts(page)
            if page_path in CHAPTERS or page_path == "intro.html":
                SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=SCREENSHOT_DIR / _shot_name(page_path, "laptop"),
                                full_page=True)
            facts["animations"] = _step_animations(page)
            facts["solutions"] = _open_solutions(page)
            page.context.close()
            facts["recorder"] = recorder  # includes errors raised by the clicks
            cache[page_path] = facts
        return cache[page_path]

    return _get


CONTROLS = (
    ".widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-checkbox, "
    ".widget-button, .widget-radio, .widget-select, .widget-text"
)


def _widget_facts(page) -> dict:
    views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    controls = page.locator(CONTROLS)
    n_controls = controls.count()
    return {
        "views": views,
        "controls": n_controls,
        "first_visible": controls.first.is_visible() if n_controls else False,
    }


def _step_animations(page) -> list[dict]:
    """Click "Next frame" on every to_jshtml player; record frame and image."""
    results = []
    animations = page.locator("div.animation")
    for index in range(animations.count()):
        animation = animations.nth(index)
        animation.scroll_into_view_if_needed()
        image = animation.locator("img").first
        slider = animation.locator('input[type="range"]').first
        before = (image.get_attribute("src"), int(slider.input_value()))
        animation.locator('button[title="Next frame"]').click()
        after = (image.get_attribute("src"), int(slider.input_value()))
        results.append({
            "frame_before": before[1],
            "frame_after": after[1],
            "image_changed": before[0] != after[0],
        })
    return results


def _open_solutions(page) -> list[dict]:
    """Click every sphinx-exercise solution dropdown; record visibility."""
    results = []
    solutions = page.locator(".solution.dropdown")
    for index in range(solutions.count()):
        solution = solutions.nth(index)
        content = solution.locator(
            "xpath=./*[not(contains(concat(' ', @class, ' '), ' admonition-title '))]"
        ).first
        solution.scroll_into_view_if_needed()
        hidden_before = not content.is_visible()
        solution.locator("button.toggle-button").first.click()
        content.wait_for(state="visible", timeout=3000)
        results.append({
            "id": solution.get_attribute("id"),
            "hidden_before": hidden_before,
            "shown_after": content.is_visible(),
        })
    return results


def _shot_name(page_path: str, device: str) -> str:
    return page_path.replace("/", "__").removesuffix(".html") + f"-{device}.png"


# Everything about one page the tests need, gathered in one pass.
PAGE_FACTS = r"""() => {
    const article = document.querySelector("article.bd-article") || document.body;
    // Math: every Sphinx math node holds MathJax output.
    const mathNodes = Array.from(article.querySelectorAll("span.math, div.math"));
    const untypeset = mathNodes.filter(node => !node.querySelector("mjx-container"))
        .map(node => node.textContent.slice(0, 80));
    // Visible prose without code, MathJax output and scripts.
    const clone = article.cloneNode(true);
    clone.querySelectorAll("pre, code, script, style, mjx-container, textarea, .highlight")
        .forEach(node => node.remove());
    const prose = clone.textContent;
    // Images in the article.
    const images = Array.from(article.querySelectorAll("img")).map(img => {
        const figure = img.closest("figure");
        const caption = figure && figure.querySelector("figcaption");
        const file = (img.getAttribute("src") || "").split("/").pop();
        return {
            inWidget: Boolean(img.closest(".jupyter-widgets, .widget-output")),
            src: img.getAttribute("src"),
            loaded: img.complete && img.naturalWidth > 0,
            alt: (img.getAttribute("alt") || "").trim(),
            file: file,
            caption: caption ? caption.textContent.trim() : "",
        };
    });
    const headings = Array.from(article.querySelectorAll("h1, h2, h3, h4, h5, h6"))
        .map(h => ({level: Number(h.tagName[1]), text: h.textContent.trim().slice(0, 60)}));
    const links = Array.from(document.querySelectorAll("a[href]"))
        .map(a => a.getAttribute("href"));
    const ids = Array.from(document.querySelectorAll("[id]")).map(node => node.id)
        .concat(Array.from(document.querySelectorAll("a[name]")).map(a => a.name));
    return {
        mathNodes: mathNodes.length,
        mjxContainers: article.querySelectorAll("mjx-container").length,
        untypeset: untypeset,
        prose: prose,
        images: images,
        headings: headings,
        links: links,
        ids: ids,
        url: location.href,
    };
}"""


# --------------------------------------------------------------------------
# Every page
# --------------------------------------------------------------------------


def test_book_has_pages():
    assert "intro.html" in PAGES
    assert CHAPTERS, "no chapter pages under _build/html/chapters"


@pytest.mark.parametrize("page_path", PAGES)
def test_page_loads_offline_without_errors(page_path, reports):
    recorder = reports(page_path)["recorder"]
    assert recorder.blocked == [], "requests to other sites (aborted)"
    assert recorder.failed_loads == [], "local files that failed to load"
    assert recorder.page_errors == [], "uncaught JavaScript errors"
    assert recorder.console_errors == [], "console errors"


RAW_TEX = [
    (re.compile(r"\$\$"), "$$"),
    (re.compile(r"\\\(|\\\)"), r"\( or \)"),
    (re.compile(r"\\\[|\\\]"), r"\[ or \]"),
    (re.compile(r"\\begin\{"), r"\begin{"),
    (re.compile(r"\$[^$\n]{0,80}?\\[A-Za-z]+"), "$ followed by a TeX command"),
]


@pytest.mark.parametrize("page_path", PAGES)
def test_math_is_typeset(page_path, reports):
    report = reports(page_path)
    assert report["untypeset"] == [], "math nodes without MathJax output"
    if report["mathNodes"]:
        assert report["mjxContainers"] >= report["mathNodes"]
    leftovers = {
        label: match.group(0)
        for pattern, label in RAW_TEX
        if (match := pattern.search(report["prose"]))
    }
    assert leftovers == {}, "raw TeX left in the visible text"


@pytest.mark.parametrize("page_path", PAGES)
def test_images_load_and_are_described(page_path, reports):
    """Every image loads; every figure has alt text (not just its file name)
    or a caption.  Images a widget's Output area draws at view time (blob:
    URLs, no alt attribute possible from the notebook) are only checked for
    loading: the cell's own text must describe the plot."""
    images = reports(page_path)["images"]
    not_loaded = [image["src"] for image in images if not image["loaded"]]
    assert not_loaded == [], "images that did not load"
    undescribed = [
        image["src"]
        for image in images
        if not image["caption"]
        and not image["inWidget"]  # drawn live by a widget: see the docstring
        and (not image["alt"] or image["alt"].split("/")[-1] == image["file"])
    ]
    assert undescribed == [], "images with neither alt text nor a caption"


@pytest.mark.parametrize("page_path", PAGES)
def test_headings_do_not_skip_levels(page_path, reports):
    headings = reports(page_path)["headings"]
    assert headings, "page has no heading"
    assert headings[0]["level"] == 1, f"first heading is {headings[0]}"
    assert sum(h["level"] == 1 for h in headings) == 1, "more than one h1"
    skips = [
        (before, after)
        for before, after in zip(headings, headings[1:])
        if after["level"] > before["level"] + 1
    ]
    assert skips == [], "headings that skip a level"


@functools.lru_cache(maxsize=None)
def _ids_in_file(path: Path) -> frozenset[str]:
    collector = _IdCollector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(collector.ids)


class _IdCollector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)


@pytest.mark.parametrize("page_path", PAGES)
def test_internal_links_resolve(page_path, reports):
    report = reports(page_path)
    page_url = report["url"]
    host = urlsplit(page_url).netloc
    broken = []
    for href in report["links"]:
        if href.startswith(("mailto:", "javascript:")) or href in ("", "#"):
            continue
        target = urlsplit(urljoin(page_url, href))
        if target.scheme not in ("http", "https") or target.netloc != host:
            continue  # a link to another site (launch buttons, repository)
        path = HTML_DIR / unquote(target.path).lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            broken.append(f"{href}: no file {path.relative_to(HTML_DIR)}")
            continue
        fragment = unquote(target.fragment)
        if fragment and path.suffix == ".html":
            ids = set(report["ids"]) if path == HTML_DIR / page_path else _ids_in_file(path)
            if fragment not in ids:
                broken.append(f"{href}: no anchor #{fragment}")
    assert broken == [], "links to missing pages or anchors"


@pytest.mark.parametrize("page_path", PAGES)
def test_page_fits_phone_width(page_path, open_page):
    page, recorder = open_page(page_path, viewport=PHONE)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if page_path in CHAPTERS or page_path == "intro.html":
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOT_DIR / _shot_name(page_path, "phone"), full_page=True)
    page.context.close()
    assert recorder.blocked == []
    scroll_width, client_width = widths
    assert scroll_width <= client_width + 1, (
        f"page is {scroll_width}px wide on a {client_width}px phone screen"
    )


# --------------------------------------------------------------------------
# Interactive parts
# --------------------------------------------------------------------------


def _pages_containing(marker: str) -> list[str]:
    return [
        page for page in PAGES
        if marker in (HTML_DIR / page).read_text(encoding="utf-8", errors="replace")
    ]


WIDGET_PAGES = _pages_containing("application/vnd.jupyter.widget-view+json")
ANIMATION_PAGES = _pages_containing('class="animation"')
SOLUTION_PAGES = _pages_containing("solution dropdown")


def test_gaussian_chapter_has_widgets_and_an_animation():
    assert "chapters/01_gaussian.html" in WIDGET_PAGES
    assert "chapters/01_gaussian.html" in ANIMATION_PAGES


@pytest.mark.parametrize("page_path", WIDGET_PAGES)
def test_saved_widgets_render_as_controls(page_path, reports):
    widgets = reports(page_path)["widgets"]
    assert widgets["views"] > 0
    assert widgets["controls"] >= widgets["views"], widgets
    assert widgets["first_visible"], "the first widget control is not visible"


@pytest.mark.parametrize("page_path", ANIMATION_PAGES)
def test_animations_step_forward(page_path, reports):
    animations = reports(page_path)["animations"]
    assert animations, "no animation player rendered"
    for animation in animations:
        assert animation["frame_after"] == animation["frame_before"] + 1, animation
        assert animation["image_changed"], animation


@pytest.mark.parametrize("page_path", SOLUTION_PAGES)
def test_exercise_solutions_expand_when_clicked(page_path, reports):
    solutions = reports(page_path)["solutions"]
    assert solutions, "no solution dropdown rendered"
    for solution in solutions:
        assert solution["hidden_before"], f"{solution['id']} is open before the click"
        assert solution["shown_after"], f"{solution['id']} did not open when clicked"


def test_search_finds_responsibilities(open_page):
    page, recorder = open_page("search.html?q=responsibilities")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=15000)
    found = [results.nth(i).locator("a").first.get_attribute("href")
             for i in range(results.count())]
    page.context.close()
    assert found, "search found nothing for 'responsibilities'"
    assert any("chapters/" in href for href in found), found
    assert recorder.blocked == []
    assert recorder.console_errors == [] and recorder.page_errors == []


# --------------------------------------------------------------------------
# Lecture slides
# --------------------------------------------------------------------------

DECKS = sorted(p.relative_to(HTML_DIR).as_posix() for p in (HTML_DIR / "slides").glob("*.html"))
MYST_LEFTOVERS = ("{eq}`", "{numref}`", "{prf:", "{cite", "```{", ":label:", "{ref}`", "{doc}`")

DECK_FACTS = """() => {
    const text = document.querySelector('.reveal .slides').innerText;
    return {
        slides: Reveal.getTotalSlides(),
        math: document.querySelectorAll('mjx-container').length,
        text: text,
        notes: document.querySelectorAll('aside.notes').length,
        brokenImages: Array.from(document.images)
            .filter(img => !img.complete || img.naturalWidth === 0).map(img => img.src.slice(0, 80)),
    };
}"""


def _open_deck(open_page, deck):
    page, recorder = open_page(deck)
    page.wait_for_function("window.Reveal && window.Reveal.isReady()", timeout=30000)
    return page, recorder


def test_every_chapter_has_a_deck_and_links_to_it():
    chapters = sorted(Path(page).stem for page in CHAPTERS)
    assert sorted(Path(deck).name.removesuffix(".slides.html") for deck in DECKS) == chapters
    for page in CHAPTERS:  # the link itself is followed by test_internal_links_resolve
        link = f'<p class="slide-link"><a href="../slides/{Path(page).stem}.slides.html">'
        assert link in (HTML_DIR / page).read_text(encoding="utf-8"), page


@pytest.mark.parametrize("deck", DECKS)
def test_deck_loads_offline_with_math_and_no_myst_left(deck, open_page):
    page, recorder = _open_deck(open_page, deck)
    facts = page.evaluate(DECK_FACTS)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / f"slides_{Path(deck).stem}.png")
    page.context.close()
    assert recorder.blocked == [], "requests to other sites"
    assert recorder.console_errors == [] and recorder.page_errors == []
    assert recorder.failed_loads == []
    assert facts["slides"] >= 10 and facts["math"] > 0
    raw = [token for token in ("$$", "\\(", "\\begin{") if token in facts["text"]]
    assert raw == [], f"TeX left untypeset on a slide: {raw}"
    assert facts["brokenImages"] == []
    left = [token for token in MYST_LEFTOVERS if token in facts["text"]]
    assert left == [], f"MyST syntax shown on the slides: {left}"


def test_a_deck_advances_and_has_notes_and_widgets(open_page):
    page, recorder = _open_deck(open_page, "slides/04_em.slides.html")
    assert page.evaluate("[Reveal.getIndices().h, Reveal.getIndices().v]") == [0, 0]
    title = page.evaluate("Reveal.getCurrentSlide().innerText")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("Reveal.getIndices().h === 1", timeout=5000)
    assert page.evaluate("Reveal.getCurrentSlide().innerText") != title
    # the address keeps the slide (reveal.js updates it shortly after the move)
    page.wait_for_function("location.hash.startsWith('#/1')", timeout=5000)
    page.keyboard.press("Space")  # next slide in reading order
    page.wait_for_function("Reveal.getIndices().h + Reveal.getIndices().v >= 2", timeout=5000)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / "slides_04_em_advanced.png")
    facts = page.evaluate(DECK_FACTS)
    assert facts["notes"] > 0, "exercise solutions should be speaker notes"
    assert page.evaluate(WIDGETS_RENDERED)
    assert page.locator(CONTROLS).count() > 0
    assert recorder.console_errors == [] and recorder.page_errors == []


def test_no_request_left_127_0_0_1():
    """Runs last in this module: nothing any test opened reached another site.

    Also writes ``_build/browser_report.json``: the pages and decks opened,
    and the blocked requests, console and page errors summed over all visits.
    """
    summary = {
        "pages": sorted({path for path, _ in OPENED if not path.startswith("slides/")}),
        "decks": sorted({path for path, _ in OPENED if path.startswith("slides/")}),
        "visits": len(OPENED),
        "blocked_requests": sum(len(r.blocked) for _, r in OPENED),
        "console_errors": sum(len(r.console_errors) for _, r in OPENED),
        "page_errors": sum(len(r.page_errors) for _, r in OPENED),
        "failed_loads": sum(len(r.failed_loads) for _, r in OPENED),
    }
    (ROOT / "_build" / "browser_report.json").write_text(json.dumps(summary, indent=1))
    assert ALL_BLOCKED == []

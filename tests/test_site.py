"""docs/ builds as a site (mkdocs.yml): strictly, every page in the nav, every picture shown.

`mkdocs build --strict` fails on any warning: a broken link or anchor, a page left out of the
nav. What the build cannot see is checked here from the HTML it writes: each picture a page
names is shown on it (an ``<img>`` whose file is in the site), and the site fetches nothing
from the network.
"""
from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from mkdocs.config import load_config

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
#: A picture a page names: shown with ![...](x.svg), or a docs/ path in a command or in prose.
_PICTURE = re.compile(r"(?:\]\(|\bdocs/)([\w./-]+\.(?:svg|png))\)?")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           str(out)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr
    return out


def _nav_pages() -> list[str]:
    config = load_config(str(REPO / "mkdocs.yml"))
    pages: list[str] = []

    def walk(node):
        if isinstance(node, str):
            pages.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(config["nav"])
    return pages


def test_every_page_is_in_the_nav():
    pages = _nav_pages()
    assert sorted(pages) == sorted(p.name for p in DOCS.glob("*.md")), \
        "mkdocs.yml's nav and docs/*.md differ"
    assert len(pages) == len(set(pages))


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        for name in ("src", "href"):
            if tag in ("script", "link", "img") and "://" in (attrs.get(name) or ""):
                self.external.append(attrs[name])


def _page_html(site: Path, page: str) -> tuple[Path, str]:
    html = site / ("index.html" if page == "index.md" else f"{page[:-3]}/index.html")
    return html, html.read_text("utf-8")


def _pictures_named(page: Path) -> set[str]:
    """The pictures in docs/ a page names, as paths relative to docs/."""
    # (The pages are all in docs/ itself: a link and a docs/ path are both relative to it.)
    return {target for target in _PICTURE.findall(page.read_text("utf-8"))
            if (DOCS / target).is_file()}


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_each_picture_a_page_names_is_shown_on_it(site, page):
    html_path, html = _page_html(site, page)
    parser = _Images()
    parser.feed(html)
    base = "http://site/" + html_path.parent.relative_to(site).as_posix() + "/"
    shown = set()
    for src in parser.images:
        url = urljoin(base.replace("/./", "/"), src)
        assert url.startswith("http://site/"), f"{page}: an image from outside the site: {src}"
        path = unquote(url[len("http://site/"):])
        assert (site / path).is_file(), f"{page}: shows {src}, which the site lacks"
        shown.add(path)
    missing = _pictures_named(DOCS / page) - shown
    assert not missing, f"{page} names {sorted(missing)} without showing it: ![...](path)"
    assert not parser.external, f"{page} fetches from the network: {parser.external}"


def test_the_teaching_pages_show_their_pictures(site):
    # The two pages made for a class: their pictures are made by the commands they show.
    for page, at_least in (("teaching.md", 6), ("teachers.md", 1)):
        parser = _Images()
        parser.feed(_page_html(site, page)[1])
        assert len([s for s in parser.images if "images/" in s]) >= at_least, page


def test_links_out_of_docs_lead_to_pages_of_the_site(site):
    # ../scenarios/gil.py on GitHub is the file; on the site, a page showing it.
    html = _page_html(site, "teaching.md")[1]
    assert 'href="../repo/scenarios/gil.py/"' in html
    source = (site / "repo/scenarios/gil.py/index.html").read_text("utf-8")
    assert "def fib(n):" in source
    bench = (site / "repo/bench/index.html").read_text("utf-8")
    assert "bench_run.py" in bench   # bench/README.md, as a page

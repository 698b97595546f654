"""MkDocs hooks (mkdocs.yml): docs/ as a site, its Markdown left as it is.

The pages link to the programs they run and to the files beside docs/ (``../scenarios/gil.py``,
``examples/counter.py``, ``../bench/README.md``, the folder ``../bench/bugs``): links that work
where the Markdown is read (GitHub, an editor) but lead out of a site built from docs/. Each such
file becomes a page of the site under ``repo/`` showing it (a Markdown file as itself, a program
as its source, a folder as the list of its files), and the links point there. Pictures stay as
they are: the pages show them inline.

The pages' anchors are GitHub's (``running.md#--json``), so the site's headings get GitHub's ids.
"""
from __future__ import annotations

import posixpath
import re
import subprocess
from pathlib import Path
from typing import Optional

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

#: A Markdown link or image: ``[text](target#anchor)``, the same links tests/test_docs.py checks.
_LINK = re.compile(r"(\]\()([^)#\s]+)((?:#[^)\s]*)?\))")
_PICTURES = (".svg", ".png", ".jpg", ".jpeg", ".gif")
_LANGUAGES = {".py": "python", ".json": "json", ".ini": "ini", ".toml": "toml", ".cfg": "ini"}
_PREFIX = "repo"

#: The page of each repository path shown on the site (its src_uri), and the reverse.
_shown: dict[str, str] = {}
_path_of_page: dict[str, str] = {}


def github_slug(value: str, separator: str = "-") -> str:
    """A heading's id as GitHub makes it, so that a link to ``running.md#--json`` works both on
    GitHub and on the site: lower case, punctuation dropped, each space a hyphen."""
    value = re.sub(r"[^\w\- ]", "", value.strip().lower())
    return value.replace(" ", separator)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    config.mdx_configs.setdefault("toc", {})["slugify"] = github_slug
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    _shown.clear()
    _path_of_page.clear()
    repo = Path(config.config_file_path).resolve().parent
    docs = Path(config.docs_dir).resolve()
    pending = [(f"{docs.relative_to(repo).as_posix()}/{f.src_uri}", f.content_string)
               for f in files.documentation_pages()]
    while pending:
        path, markdown = pending.pop()
        for match in _LINK.finditer(markdown):
            target = _repository_path(repo, docs, path, match.group(2))
            if target is None or target in _shown:
                continue
            src_uri, text, inside = _page_of(repo, target)
            _shown[target], _path_of_page[src_uri] = src_uri, target
            files.append(File.generated(config, src_uri, content=text,
                                        inclusion=InclusionLevel.NOT_IN_NAV))
            pending.append((target if inside is None else inside, text))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    repo = Path(config.config_file_path).resolve().parent
    docs = Path(config.docs_dir).resolve()
    here = _path_of_page.get(page.file.src_uri,
                             f"{docs.relative_to(repo).as_posix()}/{page.file.src_uri}")

    def relink(match: re.Match) -> str:
        target = _repository_path(repo, docs, here, match.group(2))
        docs_uri = _docs_uri(repo, docs, here, match.group(2))
        if target is not None:
            uri = _shown[target]
        elif docs_uri is not None and page.file.src_uri in _path_of_page:
            uri = docs_uri   # a shown Markdown file's link back into docs/
        else:
            return match.group(0)
        link = posixpath.relpath(uri, posixpath.dirname(page.file.src_uri) or ".")
        return f"{match.group(1)}{link}{match.group(3)}"

    return _LINK.sub(relink, markdown)


def _resolve(repo: Path, here: str, target: str) -> Optional[str]:
    if "://" in target or target.startswith(("/", "mailto:")):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(here), target))
    if path.startswith("../") or not (repo / path).exists():
        return None
    return path


def _docs_uri(repo: Path, docs: Path, here: str, target: str) -> Optional[str]:
    """The src_uri of a docs/ file the link leads to, if it does."""
    path = _resolve(repo, here, target)
    prefix = docs.relative_to(repo).as_posix() + "/"
    if path is None or not path.startswith(prefix) or not (repo / path).is_file():
        return None
    return path[len(prefix):]


def _repository_path(repo: Path, docs: Path, here: str, target: str) -> Optional[str]:
    """The repository path a link leads to when the site shows it as a page of its own: a file
    or folder outside docs/, a folder in it, or a program in it (not a page, not a picture)."""
    path = _resolve(repo, here, target)
    if path is None:
        return None
    inside = _docs_uri(repo, docs, here, target) is not None
    if inside and path.endswith((".md",) + _PICTURES):
        return None
    if path.endswith(_PICTURES):
        return None
    if (repo / path).is_dir() and (repo / path / "README.md").is_file():
        return f"{path}/README.md"   # a folder with a README: shown as GitHub shows it
    return path


def _page_of(repo: Path, path: str) -> tuple[str, str, Optional[str]]:
    """The src_uri and Markdown of the page showing a repository path, and the path its links
    are relative to (None: the path itself)."""
    full = repo / path
    if full.is_dir():
        entries = _listing(repo, path)
        lines = [f"# {path}/", ""] + [f"- [{e}]({posixpath.basename(path)}/{e})" for e in entries]
        return f"{_PREFIX}/{path}.md", "\n".join(lines) + "\n", f"{path}.md"
    text = full.read_text(encoding="utf-8", errors="replace")
    if path.endswith(".md"):
        return f"{_PREFIX}/{path}", text, None
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    language = _LANGUAGES.get(Path(path).suffix, "text")
    page = f"# {path}\n\n{fence}{language}\n{text.rstrip()}\n{fence}\n"
    return f"{_PREFIX}/{path}.md", page, None


def _listing(repo: Path, folder: str) -> list[str]:
    """A folder's entries that the repository holds (a subfolder as ``name/``), sorted; what git
    tracks when it can tell, so that installed or generated files stay out."""
    try:
        tracked = subprocess.run(["git", "ls-files", "--", folder], cwd=repo, text=True,
                                 capture_output=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        tracked = []
    if tracked:
        entries = {p[len(folder) + 1:].split("/")[0] + ("/" if "/" in p[len(folder) + 1:] else "")
                   for p in tracked}
    else:
        entries = {p.name + ("/" if p.is_dir() else "") for p in (repo / folder).iterdir()
                   if not p.name.startswith((".", "__pycache__"))}
    return sorted(e for e in entries if not e.startswith("."))

"""The README and docs/ are part of the product: their commands exist and CI runs the test
command; their reference sections are generated from the code and up to date; every command,
flag, exit status, setting, route, format and named query is documented; every `curl`
example answers as shown; every relative link leads somewhere."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
sys.path.insert(0, str(DOCS))
import reference  # noqa: E402  (docs/reference.py: the generator of the reference sections)

README_MAX_LINES = 150
LOCAL_SERVER = "http://127.0.0.1:8080"
GENERATED = re.compile(r"<!-- \[\[\[cog.*?\[\[\[end\]\]\] -->", re.S)
FENCED = re.compile(r"^```.*?^```", re.S | re.M)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
# Pages that hold a generated section, and what generates it.
GENERATED_SECTIONS = {
    "architecture.md": ("reference.modules_table()",),
    "cli.md": ("reference.cli_help()", "reference.exit_statuses()"),
    "settings.md": ("reference.settings_table()",),
    "urls.md": ("reference.url_table()", "reference.format_table()"),
    "sparql.md": ("reference.named_queries_table()",),
    "reliability.md": ("reference.corpus_table()",),
}


def readme(repo_root) -> str:
    return (repo_root / "README.md").read_text()


def command_after(text: str, marker: str) -> str:
    match = re.search(rf"<!-- {marker} -->\s*```sh\n(.+?)\n```", text)
    assert match, marker
    return match.group(1)


def doc_files() -> list[Path]:
    return [REPO / "README.md", *sorted(DOCS.glob("*.md"))]


def prose_of_docs() -> str:
    """What people wrote in README.md and docs/*.md: the generated sections left out."""
    return "\n".join(GENERATED.sub("", path.read_text("utf-8")) for path in doc_files())


def test_readme_has_setup_run_and_setup_test_commands(repo_root):
    text = readme(repo_root)
    run_command = command_after(text, "setup-run-command")
    assert "pip install -e ." in run_command
    # The project's main job: validate, then start the server on the embedded store.
    steps = [step.strip() for step in run_command.split("&&")]
    assert "lerld validate" in steps and steps[-1] == "lerld serve", run_command
    assert steps.index("lerld validate") < steps.index("lerld serve")
    test_command = command_after(text, "setup-test-command")
    assert "pip install -e '.[test]'" in test_command and test_command.endswith("pytest")


def test_readme_is_a_front_page(repo_root):
    lines = readme(repo_root).splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines"


def test_ci_runs_the_readme_test_command(repo_root):
    ci = (repo_root / ".ci" / "run").read_text()
    assert "setup-test-command" in ci and "README.md" in ci
    # The extraction in .ci/run finds the same command the README shows.
    extract = ci.split("command=$(", 1)[1].split(")\n", 1)[0]
    found = subprocess.run(["bash", "-c", extract], cwd=repo_root, capture_output=True, text=True)
    assert found.stdout.strip() == command_after(readme(repo_root), "setup-test-command")


def test_generated_sections_are_up_to_date():
    for page, generators in GENERATED_SECTIONS.items():
        text = (DOCS / page).read_text("utf-8")
        for generator in generators:
            assert f"cog.out({generator})" in text, f"docs/{page} lacks {generator}"
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "-I", str(DOCS), *map(str, doc_files())],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, (
        "a generated section of the docs is stale: run `cog -r -I docs README.md docs/*.md`\n"
        + result.stdout
        + result.stderr
    )
    for path in doc_files():
        assert reference.UNDOCUMENTED not in path.read_text("utf-8"), path.name


def test_every_cli_command_and_flag_is_documented():
    text = prose_of_docs()
    parser = reference.parser()
    for flag in reference.options(parser):
        assert flag in text, flag
    for name, command in reference.subcommands(parser).items():
        assert f"lerld {name}" in text, name
        for flag in reference.options(command):
            assert flag in text, f"lerld {name} {flag}"


def test_every_exit_status_is_documented():
    from lerld.cli import EXIT_STATUSES

    cli = (DOCS / "cli.md").read_text("utf-8")
    declared = {status.code: status for status in EXIT_STATUSES}
    for code, names in reference.exit_statuses_of_cli().items():
        assert code in declared and declared[code].meaning, names
    for status in EXIT_STATUSES:
        row = re.search(rf"^\| {status.code} \| `{status.name}` \|.*$", cli, re.M)
        assert row and reference.UNDOCUMENTED not in row.group(), status


def test_every_setting_is_documented():
    settings = (DOCS / "settings.md").read_text("utf-8")
    for field in reference.settings_fields():
        row = re.search(rf"^\| `{field.name}` \|.*$", settings, re.M)
        assert row and reference.UNDOCUMENTED not in row.group(), field.name
    for variable in ("LERLD_STORE_USER", "LERLD_STORE_PASSWORD", "LERLD_CACHE_DIR"):
        assert variable in GENERATED.sub("", settings), variable


def static_prefix(rule: str) -> str:
    """A route's path up to its first variable part: `/doc/<path:rest>` -> `/doc/`,
    `/glossary.<extension>` -> `/glossary`."""
    return rule.split("<", 1)[0].removesuffix(".")


def test_every_route_is_documented():
    urls = (DOCS / "urls.md").read_text("utf-8")
    text = prose_of_docs()
    for rule, _methods, _endpoint, _module in reference.routes():
        assert f"| `{rule}` |" in urls, rule
        # and someone wrote about it: its URL, as code, in the prose
        assert f"`{static_prefix(rule)}" in text, rule


def test_every_format_is_documented():
    urls = (DOCS / "urls.md").read_text("utf-8")
    text = prose_of_docs()
    for fmt in reference.formats():
        assert f"| `{fmt.key}` | `.{fmt.extension}` | `{fmt.media_type}` |" in urls, fmt.key
        assert fmt.media_type in text, fmt.media_type


def test_every_named_query_is_documented():
    sparql = (DOCS / "sparql.md").read_text("utf-8")
    for query in reference.named_queries():
        assert f"| `{query.name}` |" in sparql, query.name


# --- curl examples ---------------------------------------------------------------------


def curl_examples() -> list[tuple[str, str, str]]:
    """(file, command, expected answer) of every `curl` line in the docs' sh blocks, with
    its continuation lines; the expected answer follows `#=>`: a status, then a media type."""
    found = []
    for path in doc_files():
        for block in re.findall(r"^```sh\n(.*?)^```", path.read_text("utf-8"), re.S | re.M):
            lines = iter(block.splitlines())
            for line in lines:
                command = line
                while command.split("#", 1)[0].rstrip().endswith("\\"):
                    command = command.split("#", 1)[0].rstrip()[:-1] + " " + next(lines).strip()
                if command.lstrip().startswith("curl "):
                    command, _, expected = command.partition("#=>")
                    found.append((path.name, command.strip(), expected.strip()))
    return found


def curl_request(command: str) -> dict:
    """What a curl command line asks, as arguments of Flask's test client `open`."""
    words = shlex.split(command, comments=True)[1:]
    method, url, get, pairs, body = None, None, False, [], None
    headers = {"Accept": "*/*"}  # curl's own
    words_left = iter(words)
    for word in words_left:
        if word in ("-i", "-s", "-O", "--silent", "--include", "--remote-name"):
            continue
        if word in ("-I", "--head"):
            method = "HEAD"
        elif word in ("-G", "--get"):
            get = True
        elif word in ("-X", "--request"):
            method = next(words_left)
        elif word in ("-H", "--header"):
            name, _, value = next(words_left).partition(":")
            headers[name.strip()] = value.strip()
        elif word in ("-d", "--data", "--data-raw"):
            pairs.append(next(words_left))
        elif word == "--data-urlencode":
            name, _, value = next(words_left).partition("=")
            pairs.append(f"{name}={quote(value, safe='')}")
        elif word == "--data-binary":
            body = next(words_left)
        elif word.startswith(LOCAL_SERVER):
            url = word[len(LOCAL_SERVER) :]
        else:
            raise AssertionError(f"curl option the docs test does not know: {word}")
    assert url is not None, command
    data = "&".join(pairs)
    if get:
        url += ("&" if "?" in url else "?") + data
        return {"path": url, "method": method or "GET", "headers": headers}
    if body is not None or pairs:
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return {
            "path": url,
            "method": method or "POST",
            "headers": headers,
            "data": body if body is not None else data,
        }
    return {"path": url, "method": method or "GET", "headers": headers}


def test_curl_examples_are_found():
    examples = curl_examples()
    assert len(examples) >= 20
    for page, command, expected in examples:
        if LOCAL_SERVER in command:
            assert re.fullmatch(r"\d{3}( \S+)?", expected), (
                f"{page}: a curl example must end with `#=> STATUS [MEDIA TYPE]`: {command}"
            )


@pytest.mark.parametrize(
    ("page", "command", "expected"),
    [example for example in curl_examples() if LOCAL_SERVER in example[1]],
    ids=lambda value: value if isinstance(value, str) and value.endswith(".md") else None,
)
def test_curl_example_answers_as_shown(client, page, command, expected):
    status, _, media_type = expected.partition(" ")
    response = client.open(**curl_request(command))
    assert response.status_code == int(status), f"{page}: {command}"
    if media_type:
        assert response.mimetype == media_type, f"{page}: {command}"


@pytest.mark.system
def test_curl_examples_answer_as_shown_by_a_real_server(live_server):
    """The same examples against a real `lerld serve` (Granian, its workers and fast paths)."""
    for page, command, expected in curl_examples():
        if LOCAL_SERVER not in command:
            continue
        status, _, media_type = expected.partition(" ")
        request = curl_request(command)
        response = requests.request(
            request["method"],
            live_server.url + request["path"],
            headers=request["headers"],
            data=request.get("data"),
            allow_redirects=False,
            timeout=60,
        )
        assert response.status_code == int(status), f"{page}: {command}"
        if media_type:
            answered = response.headers["Content-Type"].split(";")[0].strip()
            assert answered == media_type, f"{page}: {command}"


# --- links -----------------------------------------------------------------------------


def anchor(heading: str) -> str:
    """GitHub's id of a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The ids a link into a Markdown file may name: its headings', and explicit ones."""
    text = FENCED.sub("", path.read_text("utf-8"))
    headings = {anchor(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.M)}
    return headings | set(re.findall(r'<a (?:id|name)="([^"]+)"', text))


def test_relative_links_resolve():
    for path in doc_files():
        text = re.sub(r"`[^`\n]*`", "", FENCED.sub("", path.read_text("utf-8")))
        for target in LINK.findall(text):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
                continue
            file_part, _, fragment = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            assert linked.exists(), f"{path.name}: broken link {target}"
            if fragment and linked.suffix == ".md":
                assert fragment in anchors(linked), f"{path.name}: no heading for {target}"

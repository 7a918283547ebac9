"""The resources an agent reads before writing a query, and that they ship in the wheel."""

from __future__ import annotations

import tomllib
from pathlib import Path

from inspector.domain.lint import RULES
from inspector.mcp import resources

ROOT = Path(__file__).resolve().parents[2]


def test_the_query_language_and_the_lint_catalogue_are_resources(mcp_url):
    listed = {str(r.uri): r for r in mcp_url.run(mcp_url.session.list_resources()).resources}
    assert set(listed) >= {resources.QUERY_LANGUAGE_URI, resources.LINT_CATALOGUE_URI}
    assert all(r.mime_type == "text/markdown" and r.description for r in listed.values())
    doc = mcp_url.run(mcp_url.session.read_resource(resources.QUERY_LANGUAGE_URI))
    assert doc.contents[0].text == (ROOT / "docs" / "query-language.md").read_text()
    cat = mcp_url.run(mcp_url.session.read_resource(resources.LINT_CATALOGUE_URI))
    text = cat.contents[0].text
    for rule in RULES.values():
        assert f"**{rule.id}** {rule.severity}" in text and rule.title in text


def test_the_query_language_reference_ships_in_the_wheel():
    """The file is force-included where :func:`resources.docs_dirs` looks first."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())
    included = conf["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    target = included["docs/query-language.md"]
    assert target == "inspector/_resources/docs/query-language.md"
    pkg = Path(resources.__file__).resolve().parents[1]
    assert resources.docs_dirs()[0] == pkg.parent / Path(target).parent
    spec = (ROOT / "packaging" / "event-inspector.spec").read_text()
    assert "query-language.md" in spec


def test_the_readme_config_snippet_runs_this_command():
    import json
    import re

    from inspector.cli import build_parser

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Use with a coding agent", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```json\n(.*?)\n```", section, re.S)
    entry = json.loads(block)["mcpServers"]["event-inspector"]
    assert entry["command"] == "event-inspector"
    args = build_parser().parse_args(entry["args"])
    assert args.command == "mcp" and args.url == "http://127.0.0.1:8787" and args.run

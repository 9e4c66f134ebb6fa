"""The README is part of the product: its commands exist and CI runs its test command."""

from __future__ import annotations

import re
import subprocess

from lerld.cli import build_parser


def readme(repo_root) -> str:
    return (repo_root / "README.md").read_text()


def command_after(text: str, marker: str) -> str:
    match = re.search(rf"<!-- {marker} -->\s*```sh\n(.+?)\n```", text)
    assert match, marker
    return match.group(1)


def test_readme_has_setup_run_and_setup_test_commands(repo_root):
    text = readme(repo_root)
    assert "pip install -e ." in command_after(text, "setup-run-command")
    test_command = command_after(text, "setup-test-command")
    assert "pip install -e '.[test]'" in test_command and test_command.endswith("pytest")


def test_ci_runs_the_readme_test_command(repo_root):
    ci = (repo_root / ".ci" / "run").read_text()
    assert "setup-test-command" in ci and "README.md" in ci
    # The extraction in .ci/run finds the same command the README shows.
    extract = ci.split("command=$(", 1)[1].split(")\n", 1)[0]
    found = subprocess.run(["bash", "-c", extract], cwd=repo_root, capture_output=True, text=True)
    assert found.stdout.strip() == command_after(readme(repo_root), "setup-test-command")


def test_every_cli_command_and_flag_is_documented(repo_root):
    text = readme(repo_root)
    parser = build_parser()
    for flag in parser._option_string_actions:
        if flag.startswith("--") and flag != "--help":
            assert flag in text, flag
    commands = parser._subparsers._group_actions[0].choices
    for name, sub in commands.items():
        assert f"lerld {name}" in text, name
        for flag in sub._option_string_actions:
            if flag.startswith("--") and flag != "--help":
                assert flag in text, f"lerld {name} {flag}"

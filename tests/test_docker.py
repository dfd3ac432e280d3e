"""The container image, tested without a Docker engine (none runs here): the Dockerfile's promises
read from the file, then its install steps run as written in a fresh virtual environment, and the
installed `cekfakta` checked as the container would run it."""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    lines, current = [], ""
    for raw in (ROOT / "Dockerfile").read_text().splitlines():
        if raw.lstrip().startswith("#") or not raw.strip():
            continue
        current += raw.rstrip().removesuffix("\\") + " " if raw.rstrip().endswith("\\") else raw.strip()
        if not raw.rstrip().endswith("\\"):
            keyword, _, rest = current.strip().partition(" ")
            lines.append((keyword.upper(), rest.strip()))
            current = ""
    return lines


def env_values() -> dict[str, str]:
    """The image's ENV settings."""
    values = {}
    for keyword, rest in instructions():
        if keyword == "ENV":
            values.update(dict(item.split("=", 1) for item in shlex.split(rest)))
    return values


def test_dependencies_are_installed_in_a_layer_before_the_code():
    steps = instructions()
    copies = [rest for keyword, rest in steps if keyword == "COPY"]
    assert copies[0] == "pyproject.toml ./"  # the only file the dependency layer depends on
    first_code = next(i for i, (k, rest) in enumerate(steps) if k == "COPY" and rest.startswith("bot"))
    install_deps = next(i for i, (k, rest) in enumerate(steps) if k == "RUN" and "pip install -r" in rest)
    install_app = next(i for i, (k, rest) in enumerate(steps) if k == "RUN" and "pip install --no-deps ." in rest)
    assert install_deps < first_code < install_app


def test_the_image_runs_as_a_non_root_user_with_data_on_a_volume():
    steps = dict((k, rest) for k, rest in instructions() if k in ("USER", "VOLUME", "EXPOSE", "HEALTHCHECK", "CMD"))
    assert steps["USER"] not in ("root", "0") and "useradd" in (ROOT / "Dockerfile").read_text()
    assert steps["VOLUME"] == "/data" and env_values()["CEKFAKTA_DB"].startswith("/data/")


def test_the_image_exposes_the_webhook_port_listens_everywhere_and_checks_its_health():
    steps = dict((k, rest) for k, rest in instructions() if k in ("EXPOSE", "HEALTHCHECK", "CMD"))
    env = env_values()
    assert steps["EXPOSE"] == env["CEKFAKTA_WEBHOOK_PORT"] == "8443"
    assert env["CEKFAKTA_WEBHOOK_LISTEN"] == "0.0.0.0"
    assert steps["HEALTHCHECK"].endswith('CMD ["cekfakta", "health"]')
    assert json.loads(steps["CMD"]) == ["cekfakta", "run"]


def test_secrets_stay_out_of_the_build_context():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored and "*.db" in ignored


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    """The Dockerfile's COPY and install steps, run as written into a fresh virtual environment.

    Dependencies already installed for the tests are made visible to that environment (a .pth
    file), so the dependency step runs as written without downloading them again.
    """
    root = tmp_path_factory.mktemp("image")
    src, venv = root / "src", root / "venv"
    src.mkdir()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    [site] = list((venv / "lib").glob("python*/site-packages"))
    (site / "zz-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("CEKFAKTA_", "TELEGRAM_", "PIP_"))},
           **env_values(), "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    for keyword, rest in instructions():
        if keyword == "COPY":
            *sources, _ = rest.split()
            for name in sources:
                target = src / name
                copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
                copy(ROOT / name, target)
        elif keyword == "RUN" and ("pip install" in rest or "tomllib" in rest):
            step = subprocess.run(rest, shell=True, cwd=src, env=env, capture_output=True, text=True, timeout=600)
            if step.returncode and re.search(r"(?i)connection|could not fetch|no matching distribution", step.stderr):
                pytest.skip(f"the install step needs the package index: {step.stderr[-300:]}")
            assert step.returncode == 0, f"{rest}\n{step.stderr[-3000:]}"
    data = root / "data"
    data.mkdir()
    env["CEKFAKTA_DB"] = str(data / "cekfakta.db")
    return venv, env, root


def run_installed(image, *args, input=None, **extra):
    venv, env, root = image
    return subprocess.run([str(venv / "bin" / "cekfakta"), *args], input=input, capture_output=True, text=True,
                          env={**env, **extra}, cwd=root, timeout=120)


def test_the_installed_command_is_the_wheel_not_the_source_tree(image):
    venv, env, root = image
    result = subprocess.run([str(venv / "bin" / "python"), "-c", "import bot; print(bot.__file__)"],
                            capture_output=True, text=True, env=env, cwd=root)
    assert Path(result.stdout.strip()).is_relative_to(venv)


def test_health_fails_before_first_use_then_passes_after_a_console_query(image):
    before = run_installed(image, "health")
    assert before.returncode == 1 and "no database at" in before.stderr
    chat = run_installed(image, "console", input="BSU hoaks\n\n")
    assert chat.returncode == 0 and "BSU" in chat.stdout
    after = run_installed(image, "health")
    assert after.returncode == 0 and after.stdout.startswith("database ok: 44 active facts")


def test_the_container_command_without_a_token_stops_with_a_configuration_error(image):
    result = run_installed(image, "run", input="")
    assert result.returncode == 78
    assert result.stderr.strip().startswith("cekfakta: TELEGRAM_BOT_TOKEN is not set")

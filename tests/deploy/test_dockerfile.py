"""deploy/Dockerfile, read (Docker cannot run here), and the files it copies run the app."""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import sys

from tools.live_server import ROOT

DOCKERFILE = ROOT / "deploy" / "Dockerfile"
IGNORE = ROOT / "deploy" / "Dockerfile.dockerignore"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [(line.split()[0].upper(), line.split(None, 1)[1]) for line in lines if line and not line.startswith("#")]


def args_of(name: str) -> list[str]:
    return [args for instr, args in instructions() if instr == name]


def copied_sources() -> list[str]:
    return [src for args in args_of("COPY") for src in args.split()[:-1] if not src.startswith("--")]


def test_base_image_is_python_311():
    assert re.fullmatch(r"python:3\.11(-slim\S*)?", args_of("FROM")[0])


def test_installs_the_pinned_requirements_with_the_cpu_torch_index():
    assert "requirements.txt" in copied_sources()
    (install,) = [run for run in args_of("RUN") if "pip install" in run]
    assert "-r requirements.txt" in install
    assert "--extra-index-url" in install
    assert "https://download.pytorch.org/whl/cpu" in DOCKERFILE.read_text()


def test_copied_paths_exist_and_are_not_ignored():
    patterns = [p.strip() for p in IGNORE.read_text().splitlines() if p.strip() and not p.startswith("#")]
    assert patterns[0] == "*"  # an allowlist
    allowed = [p[1:].rstrip("/") for p in patterns if p.startswith("!")]
    for src in copied_sources():
        assert (ROOT / src).exists(), src
        path = src.rstrip("/")
        assert any(path == a or fnmatch.fnmatch(path, a) or a.startswith(path + "/") for a in allowed), src


def test_health_check_port_user_and_command():
    (health,) = args_of("HEALTHCHECK")
    assert "http://localhost:8501/_stcore/health" in health
    assert "curl" not in health and "python" in health  # the slim image has no curl
    assert args_of("EXPOSE") == ["8501"]
    (user,) = args_of("USER")
    assert user not in ("root", "0")
    (cmd,) = args_of("CMD")
    flat = " ".join(re.findall(r'"([^"]*)"', cmd))
    assert flat.startswith("python app/serve.py")  # streamlit run app/main.py, the server prepared first
    for flag in [
        "--server.headless true",
        "--server.fileWatcherType none",
        "--browser.gatherUsageStats false",
        "--server.address 0.0.0.0",
        "--server.port 8501",
    ]:
        assert flag in flat
    # The cookie secret comes from the environment at run time, never from the image.
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in DOCKERFILE.read_text()
    assert not any("COOKIE_SECRET" in args for args in args_of("ENV") + args_of("ARG"))


def test_the_copied_files_alone_run_the_app(tmp_path):
    """What the image holds is enough: the home page and a torch page run from a copy of it."""
    for src in copied_sources():
        if (ROOT / src).is_dir():
            shutil.copytree(ROOT / src, tmp_path / src, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / src, tmp_path / src)
    script = (
        "from streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file('app/main.py', default_timeout=120).run()\n"
        "assert not at.exception, at.exception\n"
        "at.switch_page('topics/convolution.py').run()\n"
        "assert not at.exception, at.exception\n"
        "assert at.title, 'no page title'\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, result.stderr[-3000:]

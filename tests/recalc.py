"""Recalculate a workbook in headless LibreOffice, to check formulas against the engine."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
</oor:items>
"""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalculate(scratch: Path, *workbooks: Path, timeout: float = 180) -> list[Path]:
    """Recalculated copies of ``workbooks``, written under ``scratch`` (one LibreOffice run,
    private profile there, always recalculate on load)."""
    return convert(scratch, "xlsx", *workbooks, timeout=timeout)


def to_pdf(scratch: Path, *workbooks: Path, timeout: float = 180) -> list[Path]:
    """``workbooks`` printed to PDF by LibreOffice, as a committee member would print them."""
    return convert(scratch, "pdf", *workbooks, timeout=timeout)


def convert(scratch: Path, target: str, *workbooks: Path, timeout: float = 180) -> list[Path]:
    """``workbooks`` converted to ``target`` under ``scratch`` in one LibreOffice run."""
    binary = soffice()
    assert binary is not None
    profile = scratch / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE_SETTINGS)
    out = scratch / "out"
    process = subprocess.Popen(
        [
            binary,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            *map(str, workbooks),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    results = [out / f"{workbook.stem}.{target}" for workbook in workbooks]
    missing = [str(result) for result in results if not result.exists()]
    assert not missing, f"LibreOffice produced no {', '.join(missing)}"
    return results

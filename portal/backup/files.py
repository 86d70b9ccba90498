"""File roots as tar archives: uploads (MEDIA_ROOT) and private ledger exports (LEDGER_EXPORT_ROOT).

The exports may live inside MEDIA_ROOT (the default) or anywhere else; either way each file lands in
exactly one archive. Every archived file's sha256 goes into the manifest, so a restore can prove that
each file came back byte-identical. Extraction uses tarfile's ``data`` filter: no absolute paths, no
links out of the root, no device files.
"""

import hashlib
import os
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

BUFFER = 1024 * 1024


@dataclass(frozen=True)
class FileRoot:
    name: str  # "media" or "exports": the archive is <name>.tar
    path: Path
    exclude: tuple[Path, ...] = field(default=())

    @property
    def archive(self) -> str:
        return f"{self.name}.tar"


def file_roots(*, media: Path | None = None, exports: Path | None = None) -> list[FileRoot]:
    """The roots of the settings, or others given (a restore drill puts the files into scratch dirs)."""
    media = Path(media or settings.MEDIA_ROOT).resolve()
    exports = Path(exports or settings.LEDGER_EXPORT_ROOT).resolve()
    nested = exports != media and exports.is_relative_to(media)
    return [FileRoot("media", media, (exports,) if nested else ()), FileRoot("exports", exports)]


def walk(root: FileRoot):
    """Yield ``(relative posix path, absolute path)`` of every regular file under the root, sorted."""
    if not root.path.is_dir():
        return
    for directory, subdirs, names in os.walk(root.path):
        here = Path(directory)
        subdirs[:] = sorted(d for d in subdirs if (here / d) not in root.exclude and not (here / d).is_symlink())
        for name in sorted(names):
            path = here / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root.path).as_posix(), path


def is_empty(root: FileRoot) -> bool:
    return next(walk(root), None) is None


def archive(root: FileRoot, target: Path) -> dict[str, str]:
    """Write ``target`` (an uncompressed tar of the root) and return ``{relative path: sha256}``."""
    hashes = {}
    with tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as tar:
        for relative, path in walk(root):
            info = tar.gettarinfo(str(path), arcname=relative)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with open(path, "rb") as source:
                reader = _HashingReader(source)
                tar.addfile(info, reader)
            hashes[relative] = reader.digest.hexdigest()
    return hashes


def extract(root: FileRoot, source: Path) -> int:
    root.path.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source, "r") as tar:
        members = tar.getmembers()
        tar.extractall(root.path, members=members, filter="data")
    return sum(1 for member in members if member.isfile())


def compare(root: FileRoot, expected: dict[str, str]) -> dict[str, list[str]]:
    """Files of the manifest that are missing or differ on disk, and files on disk the manifest lacks."""
    missing, changed = [], []
    for relative, digest in sorted(expected.items()):
        path = root.path / relative
        if not path.is_file():
            missing.append(relative)
        elif sha256_of(path) != digest:
            changed.append(relative)
    extra = [relative for relative, _ in walk(root) if relative not in expected]
    return {"missing": missing, "changed": changed, "extra": extra}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(BUFFER):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """A file object that hashes what tarfile reads from it."""

    def __init__(self, source):
        self.source = source
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.source.read(size)
        self.digest.update(data)
        return data

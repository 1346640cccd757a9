"""Build libfaketime 0.9.12 from Debian's source archive and print the library's path.

Why not Debian 12's own `faketime` (0.9.10): with the monotonic clock left alone
(`FAKETIME_DONT_FAKE_MONOTONIC=1`) it breaks `clock_nanosleep(CLOCK_MONOTONIC,
TIMER_ABSTIME)`, which is how Python 3.11 sleeps, so `time.sleep` raises EINVAL
(libfaketime issue #426). 0.9.12 (Debian's unstable release) sleeps correctly, but its
binary package needs a newer libc than Debian 12's, so it is built here from the same
source Debian builds it from, checked against the checksum Debian publishes.

Usage: `python3 .ci/libfaketime.py` (needs a C compiler and make); prints the path of
`libfaketime.so.1`, building it into `.ci/build/` the first time.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

VERSION = "0.9.12"
SOURCE = f"https://deb.debian.org/debian/pool/main/f/faketime/faketime_{VERSION}.orig.tar.gz"
SHA256 = "4fc32218697c052adcdc5ee395581f2554ca56d086ac817ced2be0d6f1f8a9fa"
BUILT = Path(__file__).resolve().parent / "build" / f"libfaketime-{VERSION}" / "libfaketime.so.1"


def download(into: Path) -> Path:
    archive = into / "source.tar.gz"
    with urllib.request.urlopen(SOURCE, timeout=60) as answer:
        archive.write_bytes(answer.read())
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != SHA256:
        sys.exit(f"{SOURCE}: sha256 {digest}, expected {SHA256}")
    return archive


def build(archive: Path, into: Path) -> Path:
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    source = into / f"libfaketime-{VERSION}" / "src"
    make = shutil.which("make")
    if make is None:
        sys.exit("libfaketime: `make` is not installed (apt-get install make gcc libc6-dev)")
    subprocess.run([make, "-s", "libfaketime.so.1"], cwd=source, check=True)
    return source / "libfaketime.so.1"


def main() -> None:
    if not BUILT.exists():
        with tempfile.TemporaryDirectory() as scratch:
            library = build(download(Path(scratch)), Path(scratch))
            BUILT.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(library, BUILT)
    print(BUILT)


if __name__ == "__main__":
    main()

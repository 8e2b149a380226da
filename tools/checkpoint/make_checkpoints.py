#!/usr/bin/env python3
"""Fixtures for RepLens's checkpoint readers, written by PyTorch itself.

Run with Debian's interpreter (it has torch 1.13 + numpy):

    /usr/bin/python3 tools/checkpoint/make_checkpoints.py [--out DIR]
    /usr/bin/python3 tools/checkpoint/make_checkpoints.py --repvgg-a0 /tmp/a0.pth

The first form writes small files into engine/src/test/resources/checkpoint/:

* state dicts as torch.save writes them (zip format, and the legacy format of
  PyTorch < 1.6), in float32, float64, float16 and bfloat16, with integer and
  bool buffers, wrapped ({'model': sd, ...}), with the DDP prefix 'module.',
  with non-contiguous and shared-storage tensors, as pickle protocol 4;
* the same state dicts as .safetensors (written here by hand: the format is an
  8-byte little-endian header length, a JSON header and raw little-endian data)
  and as .npz (numpy.savez);
* for each, <name>.expected.json with every value as PyTorch holds it
  (float16/bfloat16 widened to float, which is exact), so that the Java readers
  are checked against PyTorch and not against themselves;
* hostile and damaged files: pickles that call os.system, builtins.exec,
  builtins.eval, subprocess.call, torch's _load_from_bytes and an INST opcode;
  zip bombs; truncated, garbled and forged zips and safetensors headers.

None of the hostile payloads is ever run here: they are only pickled. Each
would create a marker file under /tmp (MARKERS below) if it were run; the
tests assert that none of them exists after reading.

The second form writes a RepVGG-A0-sized training-form state dict (about 8.3M
float32 parameters, 33 MB) for measuring read speed.

Everything is deterministic (fixed seeds).
"""

import argparse
import collections
import io
import json
import os
import pickle
import struct
import subprocess
import sys
import zipfile
import zlib

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "..", "engine", "src", "test", "resources", "checkpoint")

MARKERS = {
    "os_system": "/tmp/replens-checkpoint-marker-os-system",
    "exec": "/tmp/replens-checkpoint-marker-exec",
    "eval": "/tmp/replens-checkpoint-marker-eval",
    "subprocess": "/tmp/replens-checkpoint-marker-subprocess",
    "inst": "/tmp/replens-checkpoint-marker-inst",
    "legacy": "/tmp/replens-checkpoint-marker-legacy",
}

ST_CODE = {
    torch.float32: "F32", torch.float64: "F64", torch.float16: "F16",
    torch.bfloat16: "BF16", torch.int64: "I64", torch.int32: "I32",
    torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL",
}
TYPE_NAME = {
    torch.float32: "float32", torch.float64: "float64", torch.float16: "float16",
    torch.bfloat16: "bfloat16", torch.int64: "int64", torch.int32: "int32",
    torch.int16: "int16", torch.int8: "int8", torch.uint8: "uint8", torch.bool: "bool",
}


# =============================================================================
# State dicts
# =============================================================================

class Net(nn.Module):
    """A small conv net with every kind of key a real one has: conv weights with
    and without bias, a grouped conv, BatchNorm (with num_batches_tracked), a
    linear layer."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 4, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(4)
        self.body = nn.Conv2d(4, 4, 1, groups=2)
        self.body_bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4, 3)


def random_state_dict(dtype, seed):
    torch.manual_seed(seed)
    net = Net()
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape))
        for bn in (net.bn, net.body_bn):
            bn.running_mean.copy_(torch.randn(bn.running_mean.shape))
            bn.running_var.copy_(torch.rand(bn.running_var.shape) + 0.5)
        net.bn.num_batches_tracked.fill_(1234)
        net.body_bn.num_batches_tracked.fill_(0)  # a BN that was never trained
    return net.to(dtype).state_dict()


def special_values(dtype):
    """Values at the edges of a half-precision type: signed zeros, the smallest
    subnormal, the largest finite value, infinities, NaN, a rounded third."""
    if dtype == torch.float16:
        tiny, big = 2.0 ** -24, 65504.0
    else:
        tiny, big = 2.0 ** -133, 3.3895313892515355e38
    return torch.tensor([0.0, -0.0, tiny, -tiny, big, -big, float("inf"),
                         float("-inf"), float("nan"), 1.0 / 3.0], dtype=dtype)


def buffers_state_dict():
    g = torch.Generator().manual_seed(7)
    sd = collections.OrderedDict()
    sd["counts"] = torch.tensor([0, 1, -1, 2 ** 40, -(2 ** 62), 2 ** 63 - 1], dtype=torch.int64)
    sd["index"] = torch.randint(-2 ** 31, 2 ** 31 - 1, (2, 3), generator=g, dtype=torch.int32)
    sd["short"] = torch.tensor([-32768, -1, 0, 1, 32767], dtype=torch.int16)
    sd["signed_bytes"] = torch.tensor([-128, -1, 0, 1, 127], dtype=torch.int8)
    sd["mask"] = torch.randint(0, 256, (4, 2), generator=g, dtype=torch.uint8)
    sd["flags"] = torch.tensor([True, False, True, True])
    sd["step"] = torch.tensor(17, dtype=torch.int64)
    sd["scale"] = torch.tensor(0.125, dtype=torch.float32)
    sd["enabled"] = torch.tensor(True)
    return sd


def views_state_dict():
    """Tensors that are views: transposed, sliced with an offset, strided,
    expanded (stride 0), 0-d with an offset, and several keys on one storage."""
    torch.manual_seed(11)
    matrix = torch.randn(3, 4)
    vec = torch.randn(10)
    small = torch.randn(5)
    half = torch.randn(2, 3).half()
    sd = collections.OrderedDict()
    sd["matrix"] = matrix
    sd["matrix_t"] = matrix.t()
    sd["row"] = matrix[1]
    sd["column"] = matrix[:, 2]
    sd["corner"] = matrix[1:, 2:]
    sd["element"] = matrix[1, 2]
    sd["every_other"] = vec[1::2]
    sd["expanded"] = small.expand(3, 5)
    sd["tied_a"] = vec
    sd["tied_b"] = vec
    sd["half_t"] = half.t()
    return sd


def expected_json(sd):
    tensors = collections.OrderedDict()
    scalars = collections.OrderedDict()
    for k, v in sd.items():
        values = v.contiguous().reshape(-1)
        if v.dtype in (torch.float16, torch.bfloat16):
            values = values.float()
        if v.dtype == torch.bool:
            values = values.to(torch.int64)
        entry = {"dtype": TYPE_NAME[v.dtype], "shape": list(v.shape)}
        if v.dim() == 0:
            entry["value"] = values.tolist()[0]
            scalars[k] = entry
        else:
            entry["values"] = values.tolist()
            tensors[k] = entry
    return {"tensors": tensors, "scalars": scalars}


# =============================================================================
# Writers (safetensors and npz by hand; torch.save by torch)
# =============================================================================

def raw_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def safetensors_bytes(sd, metadata=None):
    """The layout the safetensors library writes: tensors sorted by element size
    (largest first), then by name; the header padded with spaces to a multiple
    of 8 bytes."""
    header = collections.OrderedDict()
    if metadata is not None:
        header["__metadata__"] = metadata
    blobs, offset = [], 0
    for k in sorted(sd, key=lambda k: (-sd[k].element_size(), k)):
        b = raw_bytes(sd[k])
        header[k] = {"dtype": ST_CODE[sd[k].dtype], "shape": list(sd[k].shape),
                     "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)
    return struct.pack("<Q", len(hb)) + hb + b"".join(blobs)


def save_npz(sd, path):
    np.savez(path, **{k: v.numpy() for k, v in sd.items()})


def write(out, name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def torch_bytes(obj, **kwargs):
    buf = io.BytesIO()
    torch.save(obj, buf, **kwargs)
    data = buf.getvalue()
    if kwargs.get("_use_new_zipfile_serialization", True) is False:
        data = stable_legacy_keys(data)
    return data


def stable_legacy_keys(data):
    """The legacy format names storages by memory address and writes them in
    the sorted order of those names. Renames them 1000, 1001 ... in the order
    the pickle first uses them and writes them in that order, so that the file
    is the same every run."""
    f = io.BytesIO(data)
    for _ in range(3):  # magic number, protocol version, sys_info
        pickle.load(f)
    first_use, element_size = [], {}

    class Keys(pickle.Unpickler):
        def persistent_load(self, pid):
            if pid[2] not in element_size:
                first_use.append(pid[2])
                element_size[pid[2]] = torch._utils._element_size(pid[1].dtype)
            return None

        def find_class(self, module, name):
            # inert stand-ins, never the real object (evil_legacy.pth names
            # posix.system); the storage classes only name an element type
            if (module, name) == ("collections", "OrderedDict"):
                return collections.OrderedDict
            if module == "torch" and name.endswith("Storage"):
                return getattr(torch, name)
            return lambda *a, **k: None

    Keys(f).load()
    main_end = f.tell()
    listed = pickle.load(f)
    blocks = {}
    for k in listed:
        numel = struct.unpack("<q", f.read(8))[0]
        blocks[k] = struct.pack("<q", numel) + f.read(numel * element_size[k])
    rest = f.read()
    names = {k: str(1000 + i) for i, k in enumerate(first_use)}
    head = data[:main_end]
    for old, new in names.items():
        o, n = old.encode(), new.encode()
        head = head.replace(b"X" + struct.pack("<I", len(o)) + o,
                            b"X" + struct.pack("<I", len(n)) + n)
    keys = pickle.dumps([names[k] for k in first_use], protocol=2)
    return head + keys + b"".join(blocks[k] for k in first_use) + rest


def rezip(data, root):
    """The same torch.save archive with its entries under another root folder
    (torch.save names it after the file it writes, 'archive' for a buffer)."""
    return zip_of([(root + "/" + n.split("/", 1)[1], d) for n, d in entries_of(data)])


def zip_of(entries, deflate=()):
    """A zip of (name, bytes) pairs; names in `deflate` are deflated."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            method = zipfile.ZIP_DEFLATED if name in deflate else zipfile.ZIP_STORED
            z.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data, compress_type=method)
    return buf.getvalue()


def entries_of(data):
    z = zipfile.ZipFile(io.BytesIO(data))
    return [(i.filename, z.read(i)) for i in z.infolist()]


def patch_declared_size(data, name, size, crc=None):
    """Rewrites the uncompressed size (and optionally the CRC) that the local
    header and the central directory declare for one entry: an archive that lies."""
    b = bytearray(data)
    encoded = name.encode()
    # local file header: signature PK\3\4, crc at 14, sizes at 18 (compressed) and 22
    i = 0
    while True:
        i = b.find(b"PK\x03\x04", i)
        if i < 0:
            break
        n = struct.unpack_from("<H", b, i + 26)[0]
        if bytes(b[i + 30:i + 30 + n]) == encoded:
            struct.pack_into("<I", b, i + 22, size)
            if crc is not None:
                struct.pack_into("<I", b, i + 14, crc)
        i += 4
    # central directory header: signature PK\1\2, crc at 16, sizes at 20 and 24
    i = 0
    while True:
        i = b.find(b"PK\x01\x02", i)
        if i < 0:
            break
        n = struct.unpack_from("<H", b, i + 28)[0]
        if bytes(b[i + 46:i + 46 + n]) == encoded:
            struct.pack_into("<I", b, i + 24, size)
            if crc is not None:
                struct.pack_into("<I", b, i + 16, crc)
        i += 4
    return bytes(b)


# =============================================================================
# Hostile pickles (never run here)
# =============================================================================

class CallsOsSystem:
    def __reduce__(self):
        return (os.system, ("touch " + MARKERS["os_system"],))


class CallsExec:
    def __reduce__(self):
        return (exec, ("open(%r, 'w').close()" % MARKERS["exec"],))


class CallsEval:
    def __reduce__(self):
        return (eval, ("open(%r, 'w').close()" % MARKERS["eval"],))


class CallsSubprocess:
    def __reduce__(self):
        return (subprocess.call, (["touch", MARKERS["subprocess"]],))


class CallsLegacyOsSystem:
    def __reduce__(self):
        return (os.system, ("touch " + MARKERS["legacy"],))


class LoadsFromBytes:
    """torch.storage._load_from_bytes runs torch.load on the bytes it is given:
    a way to hide a second, unrestricted pickle inside the first."""

    def __reduce__(self):
        inner = torch_bytes(collections.OrderedDict(x=CallsOsSystem()))
        return (torch.storage._load_from_bytes, (inner,))


def with_payload(payload):
    sd = collections.OrderedDict()
    sd["weight"] = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    sd["payload"] = payload
    return sd


def pickle_archive(pkl, storages=(), root="archive", deflate=()):
    entries = [(root + "/data.pkl", pkl)]
    entries += [(root + "/data/" + k, v) for k, v in storages]
    entries += [(root + "/version", b"3\n")]
    return zip_of(entries, deflate={root + "/" + d for d in deflate})


def tensor_pickle(numel, size, stride, storage_type="FloatStorage", key="0"):
    """A protocol-2 pickle of {'weight': tensor}, written opcode by opcode."""
    def unicode(s):
        b = s.encode()
        return b"X" + struct.pack("<I", len(b)) + b

    def integer(v):
        if -2 ** 31 <= v < 2 ** 31:
            return b"J" + struct.pack("<i", v)
        return b"\x8a\x08" + struct.pack("<q", v)

    def tup(vs):
        return b"(" + b"".join(integer(v) for v in vs) + b"t"

    return (b"\x80\x02" + b"ccollections\nOrderedDict\n)R"
            + b"(" + unicode("weight")
            + b"ctorch._utils\n_rebuild_tensor_v2\n"
            + b"(" + b"(" + unicode("storage") + b"ctorch\n" + storage_type.encode() + b"\n"
            + unicode(key) + unicode("cpu") + integer(numel) + b"tQ"
            + integer(0) + tup(size) + tup(stride) + b"\x89"
            + b"ccollections\nOrderedDict\n)R" + b"tR"
            + b"u.")


# =============================================================================
# Hostile and damaged safetensors
# =============================================================================

def safetensors_with_header(header_text, data, declared=None):
    hb = header_text.encode("utf-8")
    n = len(hb) if declared is None else declared
    return struct.pack("<Q", n) + hb + data


# =============================================================================
# Main
# =============================================================================

def make_fixtures(out):
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        os.remove(os.path.join(out, f))

    def expect(name, sd):
        with open(os.path.join(out, name + ".expected.json"), "w") as f:
            json.dump(expected_json(sd), f)

    # --- the same state dict in every format
    sd32 = random_state_dict(torch.float32, 1)
    write(out, "sd_f32.pth", torch_bytes(sd32))
    write(out, "sd_f32.safetensors", safetensors_bytes(sd32, {"format": "pt"}))
    save_npz(sd32, os.path.join(out, "sd_f32.npz"))
    write(out, "sd_f32_legacy.pth", torch_bytes(sd32, _use_new_zipfile_serialization=False))
    write(out, "sd_f32_protocol4.pth", torch_bytes(sd32, pickle_protocol=4))
    write(out, "sd_f32_file_root.pth", rezip(torch_bytes(sd32), "resnet18-f37072fd"))
    expect("sd_f32", sd32)

    sd64 = random_state_dict(torch.float64, 2)
    write(out, "sd_f64.pth", torch_bytes(sd64))
    write(out, "sd_f64.safetensors", safetensors_bytes(sd64))
    expect("sd_f64", sd64)

    for dtype, name in ((torch.float16, "sd_f16"), (torch.bfloat16, "sd_bf16")):
        sd = random_state_dict(dtype, 3)
        sd["special"] = special_values(dtype)
        write(out, name + ".pth", torch_bytes(sd))
        write(out, name + ".safetensors", safetensors_bytes(sd, {"format": "pt"}))
        expect(name, sd)

    buffers = buffers_state_dict()
    write(out, "buffers.pth", torch_bytes(buffers))
    write(out, "buffers.safetensors", safetensors_bytes(buffers))
    expect("buffers", buffers)

    # --- wrapped, prefixed, parameters (all read as sd_f32)
    opt = torch.optim.SGD([torch.nn.Parameter(v.clone()) for v in sd32.values()
                           if v.is_floating_point()], lr=0.1, momentum=0.9)
    for group in opt.param_groups:
        for p in group["params"]:
            p.grad = torch.ones_like(p)
    opt.step()
    write(out, "wrapped_model.pth", torch_bytes(
        {"epoch": 12, "model": sd32, "optimizer": opt.state_dict(), "best_acc1": 0.75}))
    write(out, "wrapped_state_dict.pth", torch_bytes(
        {"state_dict": sd32, "epoch": 3, "arch": "net"}))
    write(out, "wrapped_net.pth", torch_bytes({"net": sd32}))
    ddp = collections.OrderedDict(("module." + k, v) for k, v in sd32.items())
    write(out, "ddp_prefix.pth", torch_bytes(ddp))
    params = collections.OrderedDict(
        (k, torch.nn.Parameter(v, requires_grad=v.is_floating_point()))
        for k, v in sd32.items())
    write(out, "parameters.pth", torch_bytes(params))

    # --- what users save instead of a state dict
    write(out, "whole_model.pth", torch_bytes(Net()))
    write(out, "single_tensor.pth", torch_bytes(torch.ones(2, 2)))
    write(out, "optimizer_only.pth", torch_bytes({"epoch": 1, "optimizer": opt.state_dict()}))

    # --- views and shared storages
    views = views_state_dict()
    write(out, "views.pth", torch_bytes(views))
    write(out, "views_legacy.pth", torch_bytes(views, _use_new_zipfile_serialization=False))
    expect("views", views)

    # --- hostile pickles
    write(out, "evil_os_system.pth", torch_bytes(with_payload(CallsOsSystem())))
    write(out, "evil_exec.pth", torch_bytes(with_payload(CallsExec())))
    write(out, "evil_eval_protocol4.pth", torch_bytes(with_payload(CallsEval()), pickle_protocol=4))
    write(out, "evil_subprocess.pth", torch_bytes(with_payload(CallsSubprocess())))
    write(out, "evil_load_from_bytes.pth", torch_bytes(with_payload(LoadsFromBytes())))
    write(out, "evil_legacy.pth", torch_bytes(with_payload(CallsLegacyOsSystem()),
                                              _use_new_zipfile_serialization=False))
    inst = b"(S'touch " + MARKERS["inst"].encode() + b"'\nios\nsystem\n."
    write(out, "evil_inst.pth", pickle_archive(inst))

    # --- zip bombs: 16 MiB of zeros deflated, under a tensor of 16 floats
    zeros = bytes(16 << 20)
    bomb_pkl = tensor_pickle(16, [4, 4], [4, 1])
    honest = pickle_archive(bomb_pkl, [("0", zeros)], deflate=["data/0"])
    write(out, "zip_bomb_declared.pth", honest)
    write(out, "zip_bomb_lying.pth",
          patch_declared_size(honest, "archive/data/0", 64, zlib.crc32(bytes(64))))
    write(out, "huge_shape.pth", pickle_archive(
        tensor_pickle(2 ** 40, [2 ** 20, 2 ** 20], [2 ** 20, 1]), [("0", bytes(64))]))
    npy = io.BytesIO()
    np.save(npy, np.zeros(16, dtype=np.float32))
    npy_header = npy.getvalue()[:-64]
    npz_honest = zip_of([("w.npy", npy_header + zeros)], deflate={"w.npy"})
    write(out, "zip_bomb.npz", patch_declared_size(
        npz_honest, "w.npy", len(npy_header) + 64, zlib.crc32(npy_header + bytes(64))))

    # --- damaged torch.save files
    good = torch_bytes(sd32)
    write(out, "truncated.pth", good[: len(good) * 6 // 10])
    eocd = good.rfind(b"PK\x05\x06")
    cd = struct.unpack_from("<I", good, eocd + 16)[0]
    garbled = bytearray(good)
    garbled[cd:cd + 64] = b"\x55" * 64
    write(out, "garbled_directory.pth", bytes(garbled))
    entries = entries_of(good)
    pkl_name = next(n for n, _ in entries if n.endswith("data.pkl"))
    write(out, "truncated_pickle.pth", zip_of(
        [(n, d[: len(d) // 2] if n == pkl_name else d) for n, d in entries]))
    write(out, "missing_storage.pth", zip_of(
        [(n, d) for n, d in entries if not n.endswith("/data/1")]))
    write(out, "storage_too_short.pth", zip_of(
        [(n, d[:-4] if n.endswith("/data/0") else d) for n, d in entries]))
    flipped = bytearray(good)
    storage0 = next(d for n, d in entries if n.endswith("/data/0"))
    at = good.find(storage0)
    flipped[at + 5] ^= 0x40
    write(out, "storage_crc_mismatch.pth", bytes(flipped))
    write(out, "view_out_of_range.pth", pickle_archive(
        tensor_pickle(6, [3, 4], [4, 1]), [("0", bytes(24))]))
    write(out, "torchscript.pth", zip_of([("m/data.pkl", b"\x80\x02N."),
                                          ("m/constants.pkl", b"\x80\x02)."),
                                          ("m/code/__torch__.py", b"")]))
    write(out, "not_a_checkpoint.bin", b"GIF89a" + bytes(range(64)))
    write(out, "lfs_pointer.pth", b"version https://git-lfs.github.com/spec/v1\n"
                                  b"oid sha256:0123\nsize 33554432\n")

    # --- damaged safetensors
    ok = safetensors_bytes(sd32)
    write(out, "st_truncated.safetensors", ok[: len(ok) - 10])
    w = '{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}'
    write(out, "st_header_length_lies.safetensors",
          safetensors_with_header(w, bytes(16), declared=2 ** 40))
    write(out, "st_header_past_end.safetensors",
          safetensors_with_header(w, bytes(16), declared=len(w) + 17))
    write(out, "st_broken_json.safetensors",
          safetensors_with_header('{"w":{"dtype":"F32","shape":[2,2],"data_off', bytes(16)))
    write(out, "st_not_an_object.safetensors", safetensors_with_header("[1, 2, 3]", b""))
    write(out, "st_offsets_out_of_range.safetensors", safetensors_with_header(
        '{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,1600]}}', bytes(16)))
    write(out, "st_offsets_overlap.safetensors", safetensors_with_header(
        '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
        '"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', bytes(12)))
    write(out, "st_size_mismatch.safetensors", safetensors_with_header(
        '{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,16]}}', bytes(16)))
    write(out, "st_unknown_dtype.safetensors", safetensors_with_header(
        '{"w":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}}', bytes(4)))
    write(out, "st_duplicate_key.safetensors", safetensors_with_header(
        '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
        '"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', bytes(8)))
    write(out, "st_huge_shape.safetensors", safetensors_with_header(
        '{"w":{"dtype":"F32","shape":[1048576,1048576],"data_offsets":[0,16]}}', bytes(16)))

    # --- check what was written with PyTorch's own reader
    for name, sd in (("sd_f32.pth", sd32), ("sd_f32_legacy.pth", sd32), ("views.pth", views),
                     ("buffers.pth", buffers)):
        back = torch.load(os.path.join(out, name))
        assert list(back) == list(sd), name
        for k in sd:
            assert torch.equal(back[k], sd[k]) or (back[k].is_floating_point()
                                                   and torch.allclose(back[k], sd[k],
                                                                      equal_nan=True)), (name, k)
    for m in MARKERS.values():
        assert not os.path.exists(m), "a payload ran while writing fixtures: " + m

    total = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    print("wrote %d files, %d bytes, to %s" % (len(os.listdir(out)), total, out))


def repvgg_a0(path):
    """RepVGG-A0's training-form state dict (stage widths 48, 48, 96, 192, 1280;
    1, 2, 4, 14, 1 blocks), random values: for measuring read speed."""
    torch.manual_seed(0)
    sd = collections.OrderedDict()

    def conv_bn(prefix, cin, cout, k):
        sd[prefix + ".conv.weight"] = torch.randn(cout, cin, k, k) * 0.1
        bn(prefix + ".bn", cout)

    def bn(prefix, c):
        sd[prefix + ".weight"] = torch.rand(c) + 0.5
        sd[prefix + ".bias"] = torch.randn(c) * 0.1
        sd[prefix + ".running_mean"] = torch.randn(c) * 0.1
        sd[prefix + ".running_var"] = torch.rand(c) + 0.5
        sd[prefix + ".num_batches_tracked"] = torch.tensor(1000)

    cin = 3
    for stage, (width, blocks) in enumerate(zip((48, 48, 96, 192, 1280), (1, 2, 4, 14, 1))):
        for i in range(blocks):
            prefix = "stage%d.%d" % (stage, i) if stage > 0 else "stage0"
            stride = 2 if i == 0 else 1
            if cin == width and stride == 1:
                bn(prefix + ".rbr_identity", width)
            conv_bn(prefix + ".rbr_dense", cin, width, 3)
            conv_bn(prefix + ".rbr_1x1", cin, width, 1)
            cin = width
    sd["linear.weight"] = torch.randn(1000, 1280) * 0.01
    sd["linear.bias"] = torch.zeros(1000)
    torch.save(sd, path)
    n = sum(v.numel() for v in sd.values() if v.is_floating_point())
    print("wrote %s: %d tensors, %d float32 parameters, %d bytes"
          % (path, len(sd), n, os.path.getsize(path)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--repvgg-a0", metavar="PATH",
                    help="write a RepVGG-A0-sized .pth to PATH instead of the fixtures")
    args = ap.parse_args()
    if args.repvgg_a0:
        repvgg_a0(args.repvgg_a0)
    else:
        make_fixtures(os.path.normpath(args.out))


if __name__ == "__main__":
    sys.exit(main())

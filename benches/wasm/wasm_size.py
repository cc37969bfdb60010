#!/usr/bin/env python3
"""Code size of a .wasm by crate: the code section's function bodies,
attributed through the name section (rustc's mangled names: the first path
component is the crate), plus the data section. A stand-in for
`twiggy top` that needs nothing installed.

    wasm_size.py FILE.wasm [--top N]
"""
import re
import sys


def leb(data, pos):
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, pos


def sections(data):
    pos = 8
    while pos < len(data):
        sid = data[pos]
        size, body = leb(data, pos + 1)
        yield sid, data[body:body + size]
        pos = body + size


def imported_functions(payload):
    count, pos = leb(payload, 0)
    funcs = 0
    for _ in range(count):
        for _ in range(2):
            n, pos = leb(payload, pos)
            pos += n
        kind = payload[pos]
        pos += 1
        if kind == 0:
            _, pos = leb(payload, pos)
            funcs += 1
        elif kind == 1:
            pos += 1
            flags, pos = leb(payload, pos)
            _, pos = leb(payload, pos)
            if flags & 1:
                _, pos = leb(payload, pos)
        elif kind == 2:
            flags, pos = leb(payload, pos)
            _, pos = leb(payload, pos)
            if flags & 1:
                _, pos = leb(payload, pos)
        elif kind == 3:
            pos += 2
        elif kind == 4:
            pos += 1
            _, pos = leb(payload, pos)
    return funcs


def names(payload):
    out = {}
    n, pos = leb(payload, 0)
    pos += n  # "name"
    while pos < len(payload):
        sub = payload[pos]
        size, body = leb(payload, pos + 1)
        if sub == 1:
            count, p = leb(payload, body)
            for _ in range(count):
                index, p = leb(payload, p)
                length, p = leb(payload, p)
                out[index] = payload[p:p + length].decode("utf-8", "replace")
                p += length
        pos = body + size
    return out


def crate_of(name):
    """The crate a function belongs to, from its (demangled or mangled)
    name: `crate::path::f`, `<crate::T as other::Trait>::f` (the type's
    crate), `_ZN<len>crate...`; exported functions' shims, which LTO fills
    with their whole body, count as the wrapper's."""
    if "externref shim" in name or "multivalue shim" in name:
        return "mxtrust_wasm (exported functions, inlined)"
    if name.startswith("__wbg") or name.startswith("__wbindgen") or name.startswith("wasm_bindgen"):
        return "wasm_bindgen"
    m = re.match(r"_ZN(\d+)", name)
    if m:
        n = int(m.group(1))
        name = name[m.end():m.end() + n]
    name = name.lstrip("<&*").replace("mut ", "").replace("dyn ", "")
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::", name)
    if m:
        return m.group(1)
    if re.match(r"^(GFp_|ring_core_|LIMBS_|bn_|p256_|p384_|ecp_|x25519|fiat_|nistz|ChaCha|aes_|gcm_|CRYPTO_|little_endian|limbs_)", name):
        return "ring (C)"
    if re.match(r"^(memcpy|memset|memmove|memcmp|__multi3|__udivti3|__umodti3|__divti3|__ashlti3|__lshrti3|__rust_)", name):
        return "compiler_builtins"
    return "other: " + name[:40]

def main():
    path = sys.argv[1]
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 12
    data = open(path, "rb").read()
    imports = 0
    bodies = []
    names_map = {}
    data_size = 0
    total = len(data)
    for sid, payload in sections(data):
        if sid == 2:
            imports = imported_functions(payload)
        elif sid == 10:
            count, pos = leb(payload, 0)
            for _ in range(count):
                size, body = leb(payload, pos)
                bodies.append(size + (body - pos))
                pos = body + size
        elif sid == 11:
            data_size = len(payload)
        elif sid == 0:
            n, p = leb(payload, 0)
            if payload[p:p + n] == b"name":
                names_map = names(payload)
    by_crate = {}
    for i, size in enumerate(bodies):
        name = names_map.get(i + imports, "?")
        crate = crate_of(name) if names_map else "(no name section)"
        by_crate[crate] = by_crate.get(crate, 0) + size
    code = sum(bodies)
    print(f"{path.rsplit('/', 1)[-1]}: {total} octets; code {code}, data {data_size}, other {total - code - data_size}")
    rows = sorted(by_crate.items(), key=lambda kv: -kv[1])
    for crate, size in rows[:top]:
        print(f"  {size:8d}  {100 * size / total:5.1f} %  {crate}")
    rest = sum(s for _, s in rows[top:])
    if rest:
        print(f"  {rest:8d}  {100 * rest / total:5.1f} %  ({len(rows) - top} more)")


if __name__ == "__main__":
    main()

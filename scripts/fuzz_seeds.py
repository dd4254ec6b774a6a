#!/usr/bin/env python3
"""Writes the bytes of every golden vector into the seed corpus of the fuzz target that decodes that kind of data.

usage: fuzz_seeds.py VECTORS_DIR CORPUS_DIR
"""
import json
import pathlib
import sys

# vector category (first directory under vectors/) -> fuzz targets it seeds
TARGETS_BY_CATEGORY = {
    "command": ["frame", "frame_headers"],
    "body": ["json_body"],
    "message": ["message_unit"],
    "batch": ["batch_body"],
    "compression": ["decompress"],
}


def main() -> None:
    vectors, corpus = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    written = 0
    for path in sorted(vectors.rglob("*.json")):
        category = path.relative_to(vectors).parts[0]
        targets = TARGETS_BY_CATEGORY.get(category)
        if not targets:
            continue
        vector = json.loads(path.read_text(encoding="utf-8"))
        data = bytes.fromhex(vector.get("hex") or "")
        if not data:
            continue
        for target in targets:
            out = corpus / target / f"vector-{path.stem}"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
            written += 1
    print(f"seeded {written} corpus files from {vectors}")


if __name__ == "__main__":
    main()

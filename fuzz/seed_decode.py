#!/usr/bin/env python3
"""Writes seeds for the `decode` fuzz target into fuzz/corpus/decode/: for every conformance
case, in the order the target numbers them, the case's index, the index of its last recorded
status, and its last recorded body."""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATUSES = [200, 201, 202, 204, 400, 401, 403, 404, 410, 429, 500, 502, 503]  # as in decode.rs
cassettes = os.path.join(ROOT, "conformance", "cassettes")
out = os.path.join(ROOT, "fuzz", "corpus", "decode")
os.makedirs(out, exist_ok=True)
paths = sorted(
    (provider, os.path.join(cassettes, provider, name))
    for provider in os.listdir(cassettes)
    for name in os.listdir(os.path.join(cassettes, provider))
)
for index, (_, path) in enumerate(paths):
    text = open(path, encoding="utf-8").read()
    statuses = re.findall(r"status: (\d{3})", text)
    status = int(statuses[-1]) if statuses else 200
    # Bodies are YAML strings; the seed needs only a plausible start, so take the last JSON-looking run.
    bodies = re.findall(r"body: '(.*?)'\s*(?:}|\n)", text) + re.findall(r'body: "(.*?)"\s*(?:}|\n)', text)
    block = re.findall(r"body: \|\n((?:        .*\n?)+)", text)
    body = (block[-1] if block else (bodies[-1] if bodies else "{}")).replace("''", "'")
    seed = bytes([index % 256, STATUSES.index(status) if status in STATUSES else 0]) + body.encode()
    with open(os.path.join(out, f"case-{index:03}"), "wb") as f:
        f.write(seed)
print(f"{len(paths)} seeds in {out}")

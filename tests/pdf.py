"""Reading text back out of the PDFs Cairn writes, for tests that check what a report says."""

import base64
import re
import zlib


def pdf_text(data: bytes) -> str:
    """reportlab writes page content as ASCII85 + Flate streams; decode them to search the text."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = match.group(1).strip().removesuffix(b"~>")
        try:
            out.append(zlib.decompress(base64.a85decode(raw)).decode("latin-1"))
        except (ValueError, zlib.error):
            continue
    return "\n".join(out)

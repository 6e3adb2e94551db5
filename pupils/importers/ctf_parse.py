"""Parsing a CTF as a stream: start and end events from ElementTree's C parser, with nothing
declared in a DTD ever read, and each pupil's XML written back out as text.

Refused before the parser sees them (defusedxml's exceptions, as its own parser raises them):
a document type declaration, and so every entity declaration and external reference, which can
only be made inside one. A DOCTYPE may only come before the root element, so a second expat
parser reads the file's prolog alongside the first and stops at the root element: every byte
reaches it before the C parser, which therefore never expands an entity. Undeclared entity
references are not well-formed XML and are refused by the C parser itself.

defusedxml's own `iterparse` does the same with a pure-Python parser, calling back into Python
for every element; on a 50,000-pupil file that cost more than everything else the reader does.
"""

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from typing import IO, Any
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

READ_SIZE = 1 << 16
# Deeper than any CTF: a pupil nested further is written out by ElementTree's own serializer.
_DEEPEST = 64


class _PrologGuard:
    """Reads the prolog only: refuses a DOCTYPE (or anything declared in one) and stops at the
    root element."""

    def __init__(self) -> None:
        self.done = False
        self._parser = expat.ParserCreate()
        self._parser.StartDoctypeDeclHandler = self._doctype
        self._parser.EntityDeclHandler = self._entity
        self._parser.UnparsedEntityDeclHandler = self._unparsed
        self._parser.ExternalEntityRefHandler = self._external  # type: ignore[assignment]
        self._parser.StartElementHandler = self._root

    def feed(self, data: bytes) -> None:
        try:
            self._parser.Parse(data, False)
        except expat.ExpatError as error:
            # Reported as the C parser reports malformed XML (it would stop at the same place).
            problem = ET.ParseError(str(error))
            problem.position = (error.lineno, error.offset)
            raise problem from None

    def _doctype(self, name: str, sysid: str | None, pubid: str | None, _subset: bool) -> None:
        raise DTDForbidden(name, sysid, pubid)

    def _entity(self, name: str, _pe: bool, value: Any, base: Any, sysid: Any, *rest: Any) -> None:
        raise EntitiesForbidden(name, value, base, sysid, *rest)

    def _unparsed(self, name: str, base: Any, sysid: Any, pubid: Any, notation: Any) -> None:
        raise EntitiesForbidden(name, None, base, sysid, pubid, notation)

    def _external(self, context: Any, base: Any, sysid: Any, pubid: Any) -> None:
        raise ExternalReferenceForbidden(context, base, sysid, pubid)

    def _root(self, _name: str, _attributes: Any) -> None:
        self.done = True
        self._parser.StartElementHandler = None


def iter_events(stream: IO[bytes]) -> Iterator[tuple[str, ET.Element]]:
    """("start" | "end", element) for every element of the document in `stream`."""
    guard = _PrologGuard()
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    while data := stream.read(READ_SIZE):
        if not guard.done:
            guard.feed(data)
        parser.feed(data)
        yield from parser.read_events()  # type: ignore[misc]
    if not guard.done:
        guard.feed(b"")
    parser.close()
    yield from parser.read_events()  # type: ignore[misc]


def _escape(text: str) -> str:
    """As ElementTree escapes text and tails."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _write(element: ET.Element, append: Callable[[str], None], depth: int) -> bool:
    tag = element.tag
    if element.attrib or depth > _DEEPEST or not isinstance(tag, str) or tag[:1] == "{":
        return False
    text = element.text
    if text and ("&" in text or "<" in text or ">" in text):
        text = _escape(text)
    if len(element):
        append(f"<{tag}>{text}" if text else f"<{tag}>")
        for child in element:
            if not _write(child, append, depth + 1):
                return False
        append(f"</{tag}>")
    elif text:
        # Most of a CTF: an element holding only text, written in one piece.
        append(f"<{tag}>{text}</{tag}>")
    else:
        append(f"<{tag} />")
    tail = element.tail
    if tail:
        append(_escape(tail))
    return True


def element_xml(element: ET.Element) -> str:
    """`ET.tostring(element, encoding="unicode")`, the same text, written directly for the
    elements a CTF holds (no attributes or namespaces; those go through ElementTree)."""
    parts: list[str] = []
    if _write(element, parts.append, 0):
        return "".join(parts)
    return ET.tostring(element, encoding="unicode")

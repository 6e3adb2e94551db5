"""`ctf_parse`: the stream the CTF reader walks (the C parser behind a prolog guard) and each
pupil's XML written back out exactly as ElementTree would write it."""

import io
import xml.etree.ElementTree as ET

import pytest
from defusedxml import DTDForbidden
from defusedxml.ElementTree import fromstring as safe_fromstring

from pupils.importers import ctf_parse
from pupils.importers.ctf_parse import element_xml, iter_events

_PUPILS = [
    "<Pupil><UPN>A123</UPN><Surname>O&amp;Brien &lt;x&gt;</Surname><Empty/></Pupil>",
    "<Pupil>text<A>one</A>tail &amp; more<B><C/></B>end</Pupil>",
    '<Pupil><Name lang="en">Ann</Name></Pupil>',  # attributes: ElementTree writes it
    '<Pupil xmlns:x="urn:x"><x:Name>Ann</x:Name></Pupil>',  # a namespace: likewise
]


@pytest.mark.parametrize("text", _PUPILS)
def test_pupil_xml_is_what_elementtree_writes(text):
    element = safe_fromstring(text)
    assert element_xml(element) == ET.tostring(element, encoding="unicode")


def test_a_pupil_nested_too_deep_is_still_written_exactly():
    text = "<a>" * 80 + "x" + "</a>" * 80
    element = safe_fromstring(text)
    assert element_xml(element) == ET.tostring(element, encoding="unicode")


def test_events_come_in_document_order_across_reads(monkeypatch):
    monkeypatch.setattr(ctf_parse, "READ_SIZE", 7)  # many small reads
    document = b'<?xml version="1.0"?><R><P><U>1</U></P><P><U>2</U></P></R>'
    seen = [(event, element.tag) for event, element in iter_events(io.BytesIO(document))]
    assert seen == [
        ("start", "R"),
        ("start", "P"),
        ("start", "U"),
        ("end", "U"),
        ("end", "P"),
        ("start", "P"),
        ("start", "U"),
        ("end", "U"),
        ("end", "P"),
        ("end", "R"),
    ]


@pytest.mark.parametrize("size", [5, 40, 1 << 16])
def test_a_doctype_is_refused_before_any_element_however_the_file_is_read(monkeypatch, size):
    monkeypatch.setattr(ctf_parse, "READ_SIZE", size)
    document = b'<?xml version="1.0"?><!DOCTYPE R [<!ENTITY e "boom">]>' + b"<R><P>&e;</P></R>"
    events = iter_events(io.BytesIO(document))
    with pytest.raises(DTDForbidden):  # before the first element's event
        next(events)


def test_malformed_xml_is_a_parse_error():
    with pytest.raises(ET.ParseError):
        list(iter_events(io.BytesIO(b"<R><P></R>")))

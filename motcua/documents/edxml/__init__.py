"""edXML (QCVN 102:2016): the package model, a tolerant streaming parser, a canonical builder.

Pure Python over lxml; no Django. See DOMAIN §9 for the layout and the variants in circulation.
"""

from motcua.documents.edxml.builder import build, build_bytes
from motcua.documents.edxml.model import (
    NS,
    STATUS_CODES,
    Attachment,
    Business,
    EdocPackage,
    EdxmlError,
    Organ,
    Package,
    ResponseFor,
    Signer,
    StaffInfo,
    StatusPackage,
    TraceHeader,
    XmlNode,
)
from motcua.documents.edxml.parser import parse, parse_edoc, parse_status

__all__ = [
    "NS",
    "STATUS_CODES",
    "Attachment",
    "Business",
    "EdocPackage",
    "EdxmlError",
    "Organ",
    "Package",
    "ResponseFor",
    "Signer",
    "StaffInfo",
    "StatusPackage",
    "TraceHeader",
    "XmlNode",
    "build",
    "build_bytes",
    "parse",
    "parse_edoc",
    "parse_status",
]

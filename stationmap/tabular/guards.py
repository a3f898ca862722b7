"""The checks an uploaded file passes before a reader parses it.

:func:`detect_format` tells its format by content and name, refusing WPS's own,
Word and PowerPoint files, web pages, PDFs, images and archives; :func:`check_zip`
refuses zip bombs and XML entity attacks in an XLSX file before openpyxl opens it.
:func:`json_integer` and :func:`has_lone_surrogate` keep JSON (GeoJSON files, API
bodies) to what a float and a database can hold.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from typing import Literal

from stationmap.tabular.columns import Format, TableError

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # zip guards, checked before openpyxl runs
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_MIN_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
XML_HEAD_BYTES = 16 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)
_XML_SKIP = re.compile(r"<\?.*?\?>|<!--.*?-->", re.S)
_XML_FIRST = re.compile(r"<!--|<\?|<[A-Za-z_:]")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SPREADSHEET_NS = "urn:schemas-microsoft-com:office:spreadsheet"
_WORKBOOK = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?Workbook[\s>/]")
_TABLE_TAG = re.compile(r"<table[\s>/]", re.I)
_TABLE_BYTES = re.compile(rb"<table[\s>/]", re.I)
#: Names under which a web-page table (``html``) or an Excel 2003 XML workbook (``xml``)
#: is read as a table: the names systems' 导出Excel buttons give them.
WEB_TABLE_SUFFIXES = {"html": ("xls", "xlsx", "htm", "html"), "xml": ("xls", "xlsx", "xml")}
WebTable = Literal["html", "xml"]
# More digits than any 64-bit integer has: read as a float (see json_integer).
MAX_JSON_INTEGER_DIGITS = 18
# A surrogate escape, or a surrogate itself (bytes decoded with "surrogatepass", as
# json.loads decodes bytes).
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")


def json_integer(text: str) -> int | float:
    """A JSON integer (``parse_int`` for :func:`json.loads`): an ``int``, or a ``float``
    when it has more than :data:`MAX_JSON_INTEGER_DIGITS` digits (``inf`` beyond a
    float's range). A range or finiteness check downstream then refuses a 400-digit
    latitude, where ``float()`` of the ``int`` would raise ``OverflowError``; the
    conversion also stays linear in the length, unlike ``int()`` of thousands of
    digits."""
    digits = len(text) - text.startswith("-")
    return int(text) if digits <= MAX_JSON_INTEGER_DIGITS else float(text)


def has_lone_surrogate(text: str, document: object) -> bool:
    """Whether ``document``, parsed from the JSON ``text``, holds a lone UTF-16
    surrogate (``"x\\ud800y"``: an escape without its pair). It is not a character;
    UTF-8, pages and databases cannot hold it. Only text with such an escape is
    examined further, so ordinary documents cost one regular-expression scan."""
    if not _SURROGATE.search(text):
        return False
    try:
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def web_table_kind(data: bytes) -> WebTable | None:
    """``xml`` for an Excel 2003 XML workbook (SpreadsheetML: a ``Workbook`` element in
    its namespace near the start, or anywhere in a file starting ``<?xml``), ``html``
    for markup holding a ``<table>``, else ``None``: what a file whose text (after a
    byte-order mark and white space) starts with ``<`` holds. One scan of the file for
    ``<table``."""
    utf16 = data.startswith(_UTF16_BOMS)
    if utf16:
        text = data.decode("utf-16", errors="replace")
        head = text[:XML_HEAD_BYTES]
    else:
        head = data[:XML_HEAD_BYTES].decode("latin-1")
    start = head.lstrip("\ufeff\xef\xbb\xbf \t\r\n")
    if not start.startswith("<"):
        return None
    if _SPREADSHEET_NS in head and _WORKBOOK.search(head):
        return "xml"
    if start.startswith("<?xml") and _SPREADSHEET_NS not in head:
        # an XML file whose Workbook comes after a long prolog (comments): its
        # <Table> elements are no web page's
        whole = text if utf16 else data.decode("latin-1")
        if _SPREADSHEET_NS in whole and _WORKBOOK.search(whole):
            return "xml"
    if _TABLE_TAG.search(text) if utf16 else _TABLE_BYTES.search(data):
        return "html"
    return None


def detect_format(data: bytes, filename: str | None = None) -> Format:
    """Tell an uploaded file's format by its content, then by its name.

    A zip file is XLSX, an OLE file a legacy Excel workbook (``.xls``; WPS's own
    and Word or PowerPoint files are refused by their names, anything else by the reader) and text
    starting with ``{`` is GeoJSON; a web-page table or an Excel 2003 XML workbook named
    ``.xls`` or ``.xlsx`` (:func:`web_table_kind`, what systems' 导出Excel buttons write)
    is read as ``xls``; other text is CSV unless ``filename`` ends in ``.geojson`` or
    ``.json``.

    Raises
    ------
    TableError
        For WPS's own, Word and PowerPoint files, web pages, PDFs, images, archives, empty files.
    """
    suffix = filename.rsplit(".", 1)[-1].lower() if filename and "." in filename else ""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(_OLE_MAGIC):
        if suffix in ("et", "ett", "dps", "wps", "wpt", "doc", "dot", "ppt"):
            raise TableError(
                f"This is a WPS or Office .{suffix} file, not an .xlsx workbook: open it in "
                "WPS or Excel and save it as .xlsx (Excel workbook) or CSV, then upload that.",
                message_zh=f"这是 WPS/Office 的 .{suffix} 文件，不是 .xlsx 工作簿："
                "请用 WPS 或 Excel 打开，另存为 .xlsx（Excel 工作簿）或 CSV 后上传",
            )
        return "xls"  # an Excel 97-2003 workbook; anything else is refused by its reader
    if (kind := web_table_kind(data)) is not None and suffix in WEB_TABLE_SUFFIXES[kind]:
        return "xls"  # read by xls_table, by its content
    start = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    if not start:
        raise TableError("The file is empty.", message_zh="文件是空的：请确认上传的是驿站名单")
    if start == b"{":
        return "geojson"
    if start == b"<" and suffix in ("xls", "xlsx"):
        raise TableError(
            f"This file is named .{suffix} but holds a web page or XML without a table "
            "(no <table>, and not an Excel 2003 XML workbook): open it in Excel or WPS and "
            "save it as .xlsx (Excel workbook), then upload that.",
            message_zh=f"此文件名为 .{suffix}，实际是网页或 XML 格式的文件，其中没有表格："
            "请确认导出的是驿站名单，或用 Excel 或 WPS 打开，另存为 .xlsx（Excel 工作簿）后上传",
        )
    if start == b"<":
        raise TableError(
            "This looks like a web page or XML, not a table: open it in a "
            "spreadsheet program and save it as .xlsx or CSV.",
            message_zh="这像是网页或 XML 文件，不是表格："
            "请用 Excel 打开后另存为 .xlsx 或 CSV 再上传",
        )
    for magic, what in _OTHER_MAGIC:
        if data.startswith(magic):
            raise TableError(
                f"This is {what}, not a table: upload .xlsx, CSV or GeoJSON.",
                message_zh="这不是表格文件：请上传 .xlsx、CSV 或 GeoJSON 文件",
            )
    if suffix in ("xlsx", "xlsm"):
        raise TableError(
            "The file is named .xlsx but is not an Excel workbook.",
            message_zh="文件名是 .xlsx，但内容不是 Excel 工作簿：请用 Excel 重新保存后上传",
        )
    return "geojson" if suffix in ("geojson", "json") else "csv"


def _check_xml_head(name: str, head: bytes, complete: bool) -> None:
    """Refuse a DOCTYPE (entity expansion, external entities) in one zip member."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"):
        codec = {b"<\x00": "utf-16-le", b"\x00<": "utf-16-be"}.get(head[:2], "utf-16")
        text = head.decode(codec, errors="ignore")
    else:
        text = head.decode("latin-1")
    if not text.lstrip("\ufeff\xef\xbb\xbf \t\r\n").startswith("<"):
        return  # not XML: an image or a binary part
    if "<!doctype" in text.lower() or "<!entity" in text.lower():
        raise TableError(
            f"The workbook part {name} declares a DOCTYPE or ENTITY, which "
            "Excel never writes; the file is rejected as unsafe.",
            message_zh=f"工作簿的 {name} 部分含有 Excel 不会写入的 DOCTYPE/ENTITY 声明，"
            "文件不安全，已拒绝：请用 Excel 重新保存后上传",
        )
    first = _XML_FIRST.search(_XML_SKIP.sub("", text))
    if not complete and (first is None or first.group() in ("<!--", "<?")):
        raise TableError(
            f"The workbook part {name} has an XML prolog longer than "
            f"{XML_HEAD_BYTES} bytes; the file is rejected as unsafe.",
            message_zh=f"工作簿的 {name} 部分开头异常（超过 {XML_HEAD_BYTES} 字节），"
            "文件不安全，已拒绝：请用 Excel 重新保存后上传",
        )


def bomb_ratio(info: zipfile.ZipInfo) -> float | None:
    """How many times a zip member is compressed, when that is more than
    :data:`MAX_COMPRESSION_RATIO` in a member past :data:`RATIO_CHECK_MIN_BYTES`
    (a zip bomb), else ``None``."""
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
        return ratio
    return None


def check_zip(data: bytes) -> None:
    """Refuse a zip bomb or an XML entity attack before any XML parser sees the file.

    Declared sizes are upper bounds: :mod:`zipfile`, which openpyxl uses, never returns
    more than a member's declared size. Only the first :data:`XML_HEAD_BYTES` of each
    member are unpacked here, since a DOCTYPE can only come before the root element.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise TableError(
            f"The workbook is damaged (not a valid zip file: {exc}).",
            message_zh="工作簿已损坏（不是有效的 zip 文件）：请用 Excel 重新保存后上传",
        ) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise TableError(
                f"The workbook has {len(infos)} parts (at most "
                f"{MAX_ZIP_MEMBERS}); it is rejected as unsafe.",
                message_zh=f"工作簿有 {len(infos)} 个部分，超过 {MAX_ZIP_MEMBERS} 的上限，"
                "已拒绝：请只保留驿站名单，另存为新文件后上传",
            )
        if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
            raise TableError(
                f"The workbook unpacks to more than {MAX_UNCOMPRESSED_BYTES:,} "
                "bytes; split it into smaller files.",
                message_zh=f"工作簿解压后超过 {MAX_UNCOMPRESSED_BYTES:,} 字节的上限："
                "请分成几个较小的文件后上传",
            )
        for info in infos:
            if (ratio := bomb_ratio(info)) is not None:
                raise TableError(
                    f"The workbook part {info.filename} is compressed "
                    f"{ratio:.0f} times (a zip bomb?); it is rejected.",
                    message_zh=f"工作簿的 {info.filename} 部分压缩了 {ratio:.0f} 倍"
                    f"（超过 {MAX_COMPRESSION_RATIO} 倍的上限），不安全，已拒绝："
                    "请用 Excel 重新保存后上传",
                )
        if "[Content_Types].xml" not in archive.namelist():
            raise TableError(
                "This zip file is not an Excel workbook (an .ods or .numbers "
                "file?): save the table as .xlsx or CSV.",
                message_zh="这个 zip 文件不是 Excel 工作簿（是 .ods 或 .numbers 文件？）："
                "请另存为 .xlsx 或 CSV 后上传",
            )
        try:
            for info in infos:
                if not info.is_dir():
                    with archive.open(info) as member:
                        head = member.read(XML_HEAD_BYTES)
                    _check_xml_head(info.filename, head, len(head) >= info.file_size)
        except (RuntimeError, NotImplementedError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise TableError(
                f"The workbook cannot be unpacked ({exc}); if it has a "
                "password, remove it and save again.",
                message_zh="工作簿无法解压：如果设了密码，请取消密码后重新保存再上传",
            ) from None

"""Reading uploaded files that may be broken, huge or hostile: one place for every import.

Every import (findings CSV/XLSX, the codebook CSV, a project ZIP) and every photo (capture
screen, API, the photos of a project ZIP; see "photos" below) reads its file through
these functions, so a file that cannot be read is an `UploadRefused` with a translated
message naming the row or the part of the file - never a 500 - and the caller has stored
nothing yet. What they guard against, with the reason:

- a CSV field longer than the `csv` module's default 131,072 characters (`csv.Error`): the
  reader takes longer fields, so such a row is read and then refused by the row checks that
  name the field;
- a CSV that is not UTF-8, has quotes that never close, or a NUL byte: refused with its row;
- a ZIP (an .xlsx is one) whose entries would unpack to far more than was uploaded (a
  "zip bomb"): refused from the sizes its directory declares, before anything is unpacked
  (`zipfile` stops reading an entry at its declared size, so the declaration is a bound);
- a workbook whose XML is malformed: the rows are read inside the same guard as the opening.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from .i18n import _

#: What a ZIP may unpack to at most, in all (an .xlsx of 2,000 findings is ~1 MB unpacked).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
#: An entry that unpacks to more than this many times its packed size is a bomb, not a file.
MAX_PACK_RATIO = 200
#: Entries in one ZIP: a project export holds its JSON, the codebook and the report files.
MAX_ZIP_ENTRIES = 10_000


class UploadRefused(ValueError):
    """The file as a whole cannot be read; the message is translated and names where."""


def read_limited(stream, max_bytes: int, too_large: str) -> bytes:
    """At most `max_bytes` of `stream`, or `UploadRefused(too_large)` when there is more."""
    raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise UploadRefused(too_large)
    return raw


def decode_utf8(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise UploadRefused(_("The file is not UTF-8 text (line %(line)s). Save it as \"CSV UTF-8\" and upload "
                              "it again.", line=line)) from None


#: The `csv` module refuses a field over 131,072 characters; uploads are limited in size
#: already, so a long field is read and then refused by the row checks that name it. Set
#: once here (it is a process-wide setting: changing it per call would race between threads).
MAX_CSV_FIELD = 32 * 1024 * 1024
csv.field_size_limit(max(MAX_CSV_FIELD, csv.field_size_limit()))


def csv_rows(text: str) -> list[list[str]]:
    """The rows of CSV `text` (comma, semicolon or tab, sniffed); anything the `csv` module
    cannot read is refused with its line."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # strict: a quote that never closes is an error, not the rest of the file read as one field
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    try:
        return list(reader)
    except csv.Error:
        raise UploadRefused(_("Line %(line)s of the file cannot be read as CSV (a quote that does not close, or a "
                              "field that is too long).", line=reader.line_num)) from None


def csv_dicts(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows (as {column: value}) of CSV `text`; refused like `csv_rows`."""
    rows = csv_rows(text)
    if not rows:
        return [], []
    header = [cell.strip() for cell in rows[0]]
    return header, [dict(zip(header, row)) for row in rows[1:]]


#: The kinds of ZIP an import reads: an Excel workbook, a project export.
WORKBOOK, PROJECT_EXPORT = "workbook", "project"


def _zip_problem(kind: str, problem: str, **values) -> str:
    """Whole sentences per kind of file (a translator cannot fit a file's name into any sentence)."""
    workbook = kind == WORKBOOK
    if problem == "broken":
        return (_("The Excel file could not be read: it is not a complete .xlsx file.") if workbook else
                _("The project export could not be read: it is not a complete ZIP archive."))
    if problem == "bomb":
        return (_("The Excel file would unpack to far more than its own size (%(size)s MB). It was not read.",
                  **values) if workbook else
                _("The project export would unpack to far more than its own size (%(size)s MB). It was not read.",
                  **values))
    if problem == "missing":
        return (_("The Excel file lacks its part “%(part)s”.", **values) if workbook else
                _("The project export lacks its part “%(part)s”.", **values))
    return (_("The part “%(part)s” of the Excel file is damaged.", **values) if workbook else
            _("The part “%(part)s” of the project export is damaged.", **values))


def open_zip(raw: bytes, kind: str) -> zipfile.ZipFile:
    """`raw` as a ZIP archive of `kind`, refused when it is none or would unpack into a bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise UploadRefused(_zip_problem(kind, "broken")) from None
    unpacked = sum(entry.file_size for entry in entries)
    if (len(entries) > MAX_ZIP_ENTRIES or unpacked > MAX_UNPACKED_BYTES
            or any(entry.file_size > MAX_PACK_RATIO * max(entry.compress_size, 1024) for entry in entries)):
        raise UploadRefused(_zip_problem(kind, "bomb", size=unpacked // (1024 * 1024)))
    return archive


def read_zip_entry(archive: zipfile.ZipFile, name: str, kind: str) -> bytes:
    """One entry of an archive checked by `open_zip`; a damaged entry is refused by name."""
    try:
        return archive.read(name)
    except KeyError:
        raise UploadRefused(_zip_problem(kind, "missing", part=name)) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise UploadRefused(_zip_problem(kind, "damaged", part=name)) from None


def xlsx_rows(raw: bytes, max_rows: int) -> list[list[str]]:
    """The first sheet's rows as text, at most `max_rows` + 1 (so the caller can tell there
    were more); a workbook that cannot be read - at opening or at any row - is refused."""
    open_zip(raw, WORKBOOK)
    rows: list[list[str]] = []
    try:
        from openpyxl import load_workbook  # loaded where used: keeps the app's start-up fast

        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                rows.append(["" if cell is None else str(cell) for cell in row])
                if len(rows) > max_rows + 1:
                    break
        finally:
            workbook.close()
    except UploadRefused:
        raise
    except Exception:  # noqa: BLE001 - malformed XML, missing parts, bad styles: one message, with the row
        if rows:
            raise UploadRefused(_("The Excel file could not be read from row %(row)s on. Save it again in Excel or "
                                  "upload a CSV file.", row=len(rows) + 1)) from None
        raise UploadRefused(_("The Excel file could not be read. Save it again in Excel or upload a CSV "
                              "file.")) from None
    return rows


# ---------------------------------------------------------------- photos

# What a photo upload (capture screen, API, project import) is checked against, with the reason.
# The file is read by its content, never by its name or the type the client claims; nothing of
# it is kept but the pixels, re-encoded as a new JPEG without any metadata:
#
# - a type other than JPEG, PNG or WebP (an SVG or an HTML page named .jpg, a GIF, a PDF):
#   refused from its first bytes, and Pillow is opened with those formats only, so none of its
#   other decoders (some call outside programs) ever sees the file;
# - more pixels than `max_pixels` (a "decompression bomb": a few kB that unpack to gigabytes):
#   refused from the size in the header, before any pixel is decoded; `Image.MAX_IMAGE_PIXELS`
#   is set to the same limit, so Pillow refuses too should anything get past;
# - a truncated or damaged file: the container is walked to its end marker (JPEG EOI, PNG IEND,
#   the RIFF size of WebP), then every pixel is decoded (`LOAD_TRUNCATED_IMAGES` stays off);
# - a polyglot, a file that is an image and something else too (HTML, a script, an SVG, a ZIP
#   or PDF): refused when markup stands in its first kilobyte, in its metadata or after the
#   image's end, when anything but padding or a second JPEG (a camera's preview) follows the
#   end, or when a ZIP reader would find an archive in it;
# - hostile metadata (markup or script in EXIF, XMP or comments; a compressed text chunk that
#   unpacks to more than a megabyte; metadata larger than the image could need): refused.
#
# Orientation from EXIF is applied to the pixels before the metadata goes, so a photo taken
# upright stays upright. Pillow is imported inside the functions: start-up stays light.

#: The longest side of a stored photo (the capture screen reduces to this on the device too).
PHOTO_LONG_SIDE = 2560
#: The longest side of a thumbnail (made by a job, photos/services.py).
THUMBNAIL_LONG_SIDE = 480
_PHOTO_FORMATS = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}
#: Markup that makes a browser, an XML reader or a PHP server act on a file: never in a photo.
_MARKUP = re.compile(rb"<\s*(?:script|html|svg|body|iframe|object|embed|img|!doctype|\?php|x-script)\b|"
                     rb"javascript\s*:", re.IGNORECASE)
#: Metadata a photo may carry (EXIF, XMP, colour profile, a camera's preview) before it counts as hostile.
MAX_PHOTO_METADATA = 4 * 1024 * 1024
#: A PNG's compressed text chunk may unpack to at most this.
_MAX_TEXT_CHUNK = 1024 * 1024
_JPEG_MARKER = re.compile(rb"\xff+(?=[^\x00\xd0-\xd7\xff])")


@dataclass(frozen=True)
class CleanPhoto:
    """A photo as stored: a new JPEG of the pixels only."""

    jpeg: bytes
    width: int
    height: int
    #: What the upload was (JPEG, PNG or WebP), for the record.
    source_format: str


def _photo_refused(problem: str, **values) -> UploadRefused:
    messages = {
        "type": lambda: _("This file is not a photo: send a JPEG, PNG or WebP image."),
        "pixels": lambda: _("The image has too many pixels to open: at most %(limit)s million are allowed.",
                            **values),
        "broken": lambda: _("The image is damaged or incomplete. Take or export the photo again."),
        "extra": lambda: _("The file holds more than an image: something else is hidden in it. It was not "
                           "stored."),
        "metadata": lambda: _("The image's metadata holds markup, code or far too much data. It was not stored."),
    }
    return UploadRefused(messages[problem]())


def _jpeg_parts(raw: bytes) -> tuple[list[bytes], bytes]:
    """Metadata segments (APPn, COM) and what follows the end marker of a JPEG."""
    meta, pos, size = [], 2, len(raw)
    while pos < size:
        if raw[pos] != 0xFF:
            raise _photo_refused("broken")
        while pos < size and raw[pos] == 0xFF:
            pos += 1
        if pos >= size:
            break
        marker = raw[pos]
        pos += 1
        if marker == 0xD9:  # EOI: the image ends here
            return meta, raw[pos:]
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            continue
        if pos + 2 > size:
            break
        length = int.from_bytes(raw[pos:pos + 2], "big")
        if length < 2 or pos + length > size:
            break
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            meta.append(raw[pos + 2:pos + length])
        pos += length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            found = _JPEG_MARKER.search(raw, pos)
            if found is None:
                break
            pos = found.start()
    raise _photo_refused("broken")  # no end marker: truncated


def _png_parts(raw: bytes) -> tuple[list[bytes], bytes]:
    meta, pos, size = [], 8, len(raw)
    while pos + 12 <= size:
        length = int.from_bytes(raw[pos:pos + 4], "big")
        kind = raw[pos + 4:pos + 8]
        end = pos + 12 + length
        if end > size:
            break
        data = raw[pos + 8:pos + 8 + length]
        if kind in (b"tEXt", b"eXIf", b"iCCP"):
            meta.append(data)
        elif kind in (b"zTXt", b"iTXt"):
            meta.append(data)
            meta.append(_unpacked_text(kind, data))
        if kind == b"IEND":
            return meta, raw[end:]
        pos = end
    raise _photo_refused("broken")


def _unpacked_text(kind: bytes, data: bytes) -> bytes:
    """The text of a compressed PNG text chunk, refused when it unpacks to more than a megabyte."""
    keyword_end = data.find(b"\x00")
    if keyword_end < 0:
        raise _photo_refused("broken")
    rest = data[keyword_end + 1:]
    if kind == b"iTXt":
        if len(rest) < 2 or rest[0] == 0:  # not compressed: the text is there as it is
            return rest
        parts = rest[2:].split(b"\x00", 2)  # language tag, translated keyword, text
        if len(parts) < 3:
            raise _photo_refused("broken")
        rest = b"\x00" + parts[2]
    unpacker = zlib.decompressobj()
    try:
        text = unpacker.decompress(rest[1:], _MAX_TEXT_CHUNK)
    except zlib.error:
        raise _photo_refused("broken") from None
    if unpacker.unconsumed_tail:
        raise _photo_refused("metadata")
    return text


def _webp_parts(raw: bytes) -> tuple[list[bytes], bytes]:
    if len(raw) < 12:
        raise _photo_refused("broken")
    end = 8 + int.from_bytes(raw[4:8], "little")
    if end > len(raw):
        raise _photo_refused("broken")
    meta, pos = [], 12
    while pos + 8 <= end:
        kind, length = raw[pos:pos + 4], int.from_bytes(raw[pos + 4:pos + 8], "little")
        if kind in (b"EXIF", b"XMP ", b"ICCP"):
            meta.append(raw[pos + 8:pos + 8 + length])
        pos += 8 + length + (length & 1)
    return meta, raw[end:]


def photo_format(raw: bytes) -> str:
    """JPEG, PNG or WEBP, read from the file's first bytes; anything else is refused."""
    for signature, name in _PHOTO_FORMATS.items():
        if raw.startswith(signature):
            return name
    if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        return "WEBP"
    raise _photo_refused("type")


def _check_container(raw: bytes, kind: str) -> None:
    """The polyglot and metadata checks (see above), on the file's own structure."""
    meta, trailing = {"JPEG": _jpeg_parts, "PNG": _png_parts, "WEBP": _webp_parts}[kind](raw)
    if sum(len(part) for part in meta) > MAX_PHOTO_METADATA:
        raise _photo_refused("metadata")
    if any(_MARKUP.search(part) for part in meta):
        raise _photo_refused("metadata")
    if _MARKUP.search(raw[:1024]) or b"%PDF-" in raw[:1024] or _MARKUP.search(trailing):
        raise _photo_refused("extra")
    if trailing.strip(b"\x00\xff") and not trailing.startswith(b"\xff\xd8\xff"):
        raise _photo_refused("extra")
    if zipfile.is_zipfile(io.BytesIO(raw)):
        raise _photo_refused("extra")


def read_photo(raw: bytes, max_pixels: int, long_side: int = PHOTO_LONG_SIDE) -> CleanPhoto:
    """The photo in `raw`, checked (see above) and re-encoded as a JPEG of at most `long_side`
    pixels a side, without metadata; `UploadRefused` with the reason otherwise."""
    kind = photo_format(raw)
    _check_container(raw, kind)
    from PIL import Image, ImageOps  # loaded where used: keeps the app's start-up fast

    Image.MAX_IMAGE_PIXELS = max_pixels  # the same limit every time: Pillow's own bomb check
    try:
        with Image.open(io.BytesIO(raw), formats=[kind]) as image:
            width, height = image.size
            if width < 1 or height < 1:
                raise _photo_refused("broken")
            if width * height > max_pixels:
                raise _photo_refused("pixels", limit=round(max_pixels / 1e6))
            # Decoded at a reduced scale where JPEG allows (draft), then reduced to the long side.
            image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
            try:
                image = ImageOps.exif_transpose(image)
            except Exception:  # noqa: BLE001 - EXIF Pillow cannot read: the orientation is its only use
                raise _photo_refused("metadata") from None
            clean = _flattened(image, Image)
    except UploadRefused:
        raise
    except Image.DecompressionBombError:
        raise _photo_refused("pixels", limit=round(max_pixels / 1e6)) from None
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - truncated data, broken chunks, impossible values: one answer
        raise _photo_refused("broken") from None
    return CleanPhoto(_jpeg(clean), clean.width, clean.height, kind)


def _flattened(image, Image):
    """RGB pixels only: transparency on white, palettes and greys as colour, nothing of `info`."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        clean = Image.new("RGB", rgba.size, (255, 255, 255))
        clean.paste(rgba, mask=rgba.getchannel("A"))
    else:
        clean = image.convert("RGB")
    clean.info.clear()  # EXIF, ICC profile, comments: a new image carries none of them
    return clean


def _jpeg(image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def photo_thumbnail(jpeg: bytes, long_side: int = THUMBNAIL_LONG_SIDE) -> bytes:
    """A smaller JPEG of a stored (already checked and cleaned) photo."""
    from PIL import Image

    with Image.open(io.BytesIO(jpeg), formats=["JPEG"]) as image:
        image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
        return _jpeg(_flattened(image, Image), quality=80)

"""Photo files for the tests, made here (no binaries in the repository): an ordinary camera
JPEG with GPS and device EXIF, and the hostile ones of issue 26 - a decompression bomb, a
truncated file, an SVG with a script, polyglots, hostile metadata and a 50 MB file."""
from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw

GPS_IFD = 0x8825


def camera_jpeg(width: int = 1600, height: int = 1200, colour=(250, 240, 190), text: str = "Werkgevers") -> bytes:
    """A flip-chart-like photo as a phone writes it: EXIF with GPS position, make, model, time
    and an orientation, and an ICC profile and a comment."""
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    for row in range(3):
        for column in range(4):
            x, y = 60 + column * width // 4, 80 + row * height // 3
            draw.rectangle((x, y, x + width // 6, y + height // 5), fill=(255, 220, 80), outline=(90, 70, 0), width=4)
            draw.text((x + 20, y + 20), f"{text} {row}{column}", fill=(20, 20, 20))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12 Pro"  # Model
    exif[0x0132] = "2024:03:01 10:15:00"  # DateTime
    exif[0x0131] = "Camera 5.1"  # Software
    exif[0x013B] = "Jan Jansen"  # Artist
    exif[0x0112] = 1  # Orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (52.0, 5.0, 17.5)  # latitude
    gps[3], gps[4] = "E", (4.0, 53.0, 42.1)  # longitude
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, exif=exif.tobytes(), comment=b"taken at the workshop",
               icc_profile=_tiny_icc())
    return out.getvalue()


def _tiny_icc() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def png_bomb(side: int = 30_000) -> bytes:
    """A 1-bit PNG of side x side pixels (900 million) in about 100 kB: a decompression bomb."""
    row = b"\x00" + b"\x00" * (side // 8)
    raw = zlib.compress(row * side, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def truncated_jpeg() -> bytes:
    whole = camera_jpeg(800, 600)
    return whole[: len(whole) * 2 // 3]


def svg_with_script() -> bytes:
    return (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>')


def html_named_jpeg() -> bytes:
    return b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def polyglot_jpeg_html() -> bytes:
    """A valid JPEG followed by an HTML page: an image to Pillow, a page to a sniffing browser."""
    return camera_jpeg(400, 300) + b"<html><body><script>fetch('/api/v1/projects')</script></body></html>"


def polyglot_jpeg_zip() -> bytes:
    """A valid JPEG with a ZIP archive appended (the 'GIFAR' kind of file)."""
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.html", "<script>alert(1)</script>")
    return camera_jpeg(400, 300) + archive.getvalue()


def hostile_metadata_jpeg() -> bytes:
    """A JPEG whose EXIF description holds a script (stored XSS waiting for a metadata viewer)."""
    image = Image.new("RGB", (300, 200), (200, 200, 200))
    exif = Image.Exif()
    exif[0x010E] = '<script>alert("exif")</script>'  # ImageDescription
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def big_file(megabytes: int = 50) -> bytes:
    """A JPEG start followed by filler: 50 MB, larger than any photo may be."""
    head = camera_jpeg(200, 150)
    return head[:-2] + b"\x00" * (megabytes * 1024 * 1024 - len(head)) + b"\xff\xd9"


def transparent_png() -> bytes:
    image = Image.new("RGBA", (640, 480), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((100, 100, 400, 400), fill=(200, 30, 30, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


HOSTILE = {
    "bomb": png_bomb,
    "truncated": truncated_jpeg,
    "svg_with_script": svg_with_script,
    "html_named_jpeg": html_named_jpeg,
    "polyglot_html": polyglot_jpeg_html,
    "polyglot_zip": polyglot_jpeg_zip,
    "hostile_metadata": hostile_metadata_jpeg,
}

"""Demo photos, sample data at LEARN's fictional example workshop (activity "sample:2"): a wall
of sticky notes (cleared: it shows no people and no names), with the findings typed from it,
each with the region of its note; and a flip-chart with made-up first names on it (left as
"may show people or names"). Nothing here was said at a real meeting: the notes are invented
to show the feature and attributed to nobody. Drawn with Pillow, so no photo file is kept in
the repository and every load makes the same bytes."""
from __future__ import annotations

import hashlib
import io
import textwrap
import uuid

from sqlalchemy import select

from ..activities.models import Activity
from ..auth.models import User
from ..db_types import utcnow
from ..extensions import db
from ..findings.services import FindingInput, create_finding_once
from ..uploads import photo_thumbnail, read_photo
from .models import Photo, PhotoFinding
from .storage import write_file

DEMO_NAMESPACE = uuid.UUID("6a0c0f4e-5b8e-4d0e-9d43-2a4c6e1f9b26")
WIDTH, HEIGHT = 2400, 1800
NOTES = 6
#: The sticky notes (Dutch, as written on the wall) with an English translation and themes.
NOTE_FINDINGS = (
    ("Taal leren op de werkvloer werkt beter dan alleen in de klas",
     "Learning the language at work works better than in a classroom alone", "language-curriculum;hands-on-learning"),
    ("Eén vaste contactpersoon in plaats van steeds een nieuwe",
     "One steady contact person instead of a new one each time", "accompaniment"),
    ("Werkgevers weten niet welke regelingen er zijn",
     "Employers do not know which schemes exist", "employer-ambassadors;funding"),
    ("Diploma's worden laat of niet erkend",
     "Diplomas are recognised late or not at all", "assessment-framework"),
    ("Inburgering en werk botsen in het rooster",
     "Civic integration and work clash in the timetable", "integration-connection"),
    ("Verwachtingen vroeg bespreken, al in het azc",
     "Discuss expectations early, already at the reception centre", "expectation-management"),
)
_NOTE_COLOURS = [(255, 226, 92), (255, 183, 197), (167, 219, 255), (190, 240, 160), (255, 206, 140), (230, 200, 255)]


def _font(size: int):
    from PIL import ImageFont

    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _note_boxes() -> list[tuple[int, int, int, int]]:
    boxes = []
    for index in range(NOTES):
        column, row = index % 3, index // 3
        x, y = 180 + column * 720 + (index * 37) % 60, 330 + row * 690 + (index * 53) % 70
        boxes.append((x, y, x + 560, y + 520))
    return boxes


def _wall(texts: list[str]) -> bytes:
    """A whiteboard with sticky notes, each carrying the start of a finding."""
    from PIL import Image, ImageDraw, ImageFilter

    image = Image.new("RGB", (WIDTH, HEIGHT), (236, 236, 230))
    draw = ImageDraw.Draw(image)
    for y in range(0, HEIGHT, 6):  # the board's sheen, so it reads as a photo
        shade = 236 - int(14 * abs((y - HEIGHT / 3) / HEIGHT))
        draw.line((0, y, WIDTH, y), fill=(shade, shade, shade - 6), width=6)
    draw.text((180, 120), "Voorbeeldworkshop: knelpunten", fill=(30, 60, 120), font=_font(96))
    for index, (box, text) in enumerate(zip(_note_boxes(), texts)):
        x0, y0, x1, y1 = box
        draw.rectangle((x0 + 14, y0 + 18, x1 + 14, y1 + 18), fill=(190, 190, 184))  # shadow
        draw.rectangle(box, fill=_NOTE_COLOURS[index % len(_NOTE_COLOURS)])
        lines = textwrap.wrap(text, 16)[:6]
        for number, line in enumerate(lines):
            draw.text((x0 + 34, y0 + 40 + number * 74), line, fill=(25, 25, 25), font=_font(56))
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def _flip_chart() -> bytes:
    """A flip-chart with first names on it: may show names, so it stays private."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1800, 2400), (250, 250, 246))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, 1740, 2340), outline=(120, 120, 120), width=8)
    draw.text((140, 160), "Tafel 2 - wie zat er?", fill=(160, 30, 30), font=_font(110))
    for number, name in enumerate(("Amina", "Yonas", "Mirjam", "Tarek", "Ellen")):
        draw.text((200, 480 + number * 240), f"- {name}", fill=(20, 40, 120), font=_font(120))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def _store(activity: Activity, raw: bytes, name: str, author: User | None) -> Photo:
    clean = read_photo(raw, 50_000_000)
    photo = Photo(client_id=uuid.uuid5(DEMO_NAMESPACE, name), activity=activity, uploaded_by=author,
                  width=clean.width, height=clean.height, size=len(clean.jpeg),
                  upload_sha256=hashlib.sha256(raw).hexdigest(),
                  file_key=write_file(clean.jpeg), thumbnail_key=write_file(photo_thumbnail(clean.jpeg)))
    db.session.add(photo)
    return photo


def load_photo_demo(facilitator: User | None) -> int:
    """The two demo photos (none made twice) and the sample findings typed from the wall;
    returns how many photos were made."""
    activity = db.session.scalar(select(Activity).where(Activity.type == "sample", Activity.number == 2))
    if activity is None or db.session.scalar(select(Photo.id).where(
            Photo.client_id == uuid.uuid5(DEMO_NAMESPACE, "wall"))) is not None:
        return 0
    findings = [create_finding_once(FindingInput(
        activity_id=activity.id, text=text, kind="observation", language="nl", theme_codes=themes.split(";"),
        translations={"en": english}, client_id=uuid.uuid5(DEMO_NAMESPACE, f"note-{number}")),
        facilitator, commit=False)[0] for number, (text, english, themes) in enumerate(NOTE_FINDINGS)]
    wall = _store(activity, _wall([f.text for f in findings]), "wall", facilitator)
    wall.cleared_at, wall.cleared_by = utcnow(), facilitator
    for finding, (x0, y0, x1, y1) in zip(findings, _note_boxes()):
        db.session.add(PhotoFinding(finding=finding, photo=wall, region_x=round(x0 / WIDTH, 4),
                                    region_y=round(y0 / HEIGHT, 4), region_w=round((x1 - x0) / WIDTH, 4),
                                    region_h=round((y1 - y0) / HEIGHT, 4)))
    _store(activity, _flip_chart(), "flip-chart", facilitator)
    db.session.flush()
    return 2

"""Draw the web app's icons (static/icons/icon-<size>.png, named in the web app
manifest): the first character of the site's Chinese name, white on the
site's green, inside the middle 60 % so that phones may crop them to a circle
("maskable"). Run again only to change the design; the PNGs are committed."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw, ImageFont

from core.views import ICON_SIZES, THEME_COLOR

GLYPH = "洪"


class Command(BaseCommand):
    help = "Draw static/icons/icon-<size>.png for the web app manifest."

    def handle(self, *args, **options):
        folder = Path(settings.BASE_DIR) / "static" / "icons"
        folder.mkdir(parents=True, exist_ok=True)
        for size in ICON_SIZES:
            path = folder / f"icon-{size}.png"
            draw_icon(size).save(path, optimize=True)
            self.stdout.write(f"{path} ({path.stat().st_size} bytes)")


def draw_icon(size: int) -> Image.Image:
    image = Image.new("RGB", (size, size), THEME_COLOR)
    font = ImageFont.truetype(settings.PDF_FONTS["cjk"], int(size * 0.5))
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = draw.textbbox((0, 0), GLYPH, font=font)
    x = (size - (right - left)) / 2 - left
    y = (size - (bottom - top)) / 2 - top
    draw.text((x, y), GLYPH, font=font, fill="#ffffff")
    return image.quantize(colors=16)

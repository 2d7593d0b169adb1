"""Draw the app icon (a ballot box with a check mark) into resources/icons/: kiem_phieu.png and kiem_phieu.ico.

Run once after changing the design: `.venv/bin/python scripts/make_icon.py`. The files are committed; the app and
build.spec only read them.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
SIZE = 1024  # drawn large, scaled down with a good filter: clean edges at every size
NAVY = (27, 58, 107, 255)
BOX = (45, 98, 170, 255)
BOX_DARK = (33, 76, 136, 255)
PAPER = (255, 255, 255, 255)
LINE = (190, 200, 214, 255)
GREEN = (30, 150, 70, 255)


def draw(size: int = SIZE) -> Image.Image:
    s = size / 1024
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (x0 * s, y0 * s, x1 * s, y1 * s)

    # the ballot, standing in the slot
    d.rounded_rectangle(box(300, 96, 724, 560), radius=28 * s, fill=PAPER, outline=NAVY, width=int(22 * s))
    for y in (330, 400, 470):
        d.rounded_rectangle(box(380, y, 644, y + 22), radius=11 * s, fill=LINE)
    # the check mark on the ballot
    d.line(
        [(372 * s, 214 * s), (470 * s, 300 * s), (652 * s, 128 * s)],
        fill=GREEN,
        width=int(62 * s),
        joint="curve",
    )
    # the box: lid with its slot, then the body in front of the ballot's lower half
    d.rounded_rectangle(box(120, 470, 904, 560), radius=24 * s, fill=BOX_DARK)
    d.rounded_rectangle(box(270, 496, 754, 530), radius=17 * s, fill=NAVY)
    d.rectangle(box(300, 440, 724, 513), fill=PAPER)
    d.line([(300 * s, 440 * s), (300 * s, 513 * s)], fill=NAVY, width=int(22 * s))
    d.line([(724 * s, 440 * s), (724 * s, 513 * s)], fill=NAVY, width=int(22 * s))
    d.rounded_rectangle(box(160, 540, 864, 940), radius=40 * s, fill=BOX)
    d.rounded_rectangle(box(160, 540, 864, 600), radius=20 * s, fill=BOX_DARK)
    # a white band on the front of the box
    d.rounded_rectangle(box(300, 690, 724, 790), radius=24 * s, fill=PAPER)
    d.rounded_rectangle(box(340, 724, 684, 756), radius=16 * s, fill=BOX)
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    big = draw()
    png = big.resize((256, 256), Image.Resampling.LANCZOS)
    png.save(OUT / "kiem_phieu.png", optimize=True)
    sizes = [(n, n) for n in (16, 24, 32, 48, 64, 128, 256)]
    big.resize((256, 256), Image.Resampling.LANCZOS).save(OUT / "kiem_phieu.ico", sizes=sizes)
    print(f"wrote {OUT / 'kiem_phieu.png'} and {OUT / 'kiem_phieu.ico'}")


if __name__ == "__main__":
    main()

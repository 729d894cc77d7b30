"""Draws the skill's store icons: deploy/assets/images/small-icon.png and large-icon.png.

    python -m skill.build.icons

Amazon asks for two square PNGs, 108 x 108 and 512 x 512 pixels. Both are drawn here from the
same shapes, so the icons are reproducible from the repository and change with one edit: the
calm gradient of the screens (skill/apl/themes.json) behind a flat line with a small burst of
spikes, a twitch as a trace would show it. `make skill-package` copies the committed files into
the skill package; only a developer who changes the design needs Pillow (the `dev` extra).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMAGES_DIR = ROOT / "deploy" / "assets" / "images"
SIZES = {"small-icon.png": 108, "large-icon.png": 512}   # Amazon's two icon sizes, in pixels
_SUPERSAMPLE = 2048      # drawn large, then scaled down: smooth edges at both sizes

# The trace, as fractions of the icon's side: flat, a burst of spikes, flat again.
_TRACE = [(0.10, 0.54), (0.34, 0.54), (0.40, 0.40), (0.47, 0.70), (0.54, 0.26), (0.61, 0.66),
          (0.66, 0.48), (0.70, 0.54), (0.90, 0.54)]
_LINE_WIDTH = 0.05


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _theme() -> dict[str, str]:
    themes = json.loads((ROOT / "skill" / "apl" / "themes.json").read_text(encoding="utf-8"))
    return themes["themes"][themes["default"]]


def draw(size: int):
    """The icon as a Pillow image of `size` x `size` pixels (RGB, no transparency)."""
    from PIL import Image, ImageChops, ImageDraw

    theme = _theme()
    start, end, accent = _hex(theme["start"]), _hex(theme["end"]), _hex(theme["accent"])
    side = _SUPERSAMPLE
    # a diagonal gradient, top left to bottom right, as on the screens
    down = Image.linear_gradient("L")                       # 0 at the top, 255 at the bottom
    across = down.transpose(Image.Transpose.ROTATE_90).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    ramp = ImageChops.add(down, across, scale=2.0).resize((side, side))
    image = Image.composite(Image.new("RGB", (side, side), end),
                            Image.new("RGB", (side, side), start), ramp)
    pen = ImageDraw.Draw(image)
    points = [(x * side, y * side) for x, y in _TRACE]
    width = round(_LINE_WIDTH * side)
    pen.line(points, fill=accent, width=width, joint="curve")
    for x, y in (points[0], points[-1]):        # round ends
        pen.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=accent)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def write_icons(directory: Path = IMAGES_DIR) -> list[Path]:
    """Both icons, written as optimised PNGs into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, size in SIZES.items():
        path = directory / name
        draw(size).save(path, format="PNG", optimize=True)
        written.append(path)
    return written


def main() -> int:
    try:
        paths = write_icons()
    except ImportError:
        print("skill.build.icons needs Pillow: pip install -e '.[dev]'", file=sys.stderr)
        return 1
    for path in paths:
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

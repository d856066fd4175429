"""Frames as pictures: RGB arrays, upscaled images, PNG bytes and files, animated GIFs.

A frame is data: ``uint8`` palette indices, shape (H, W). Every picture worldtest makes of one
is drawn here, from the colours of :mod:`worldtest.palette`: report thumbnails and GIF replays
(:mod:`worldtest.report.media`), the gallery (:mod:`worldtest.gallery`), the replay GIF and the
play window's grid (:mod:`worldtest.human`), and the PNGs a model reads
(:mod:`worldtest.agents.llm.render`). Images are ``uint8`` RGB arrays, shape (H, W, 3); a
``scale`` is pixels per cell side.

Every GIF shares one fixed palette (:data:`GIF_COLOURS`) and its pixels are mapped to it
exactly (:func:`gif_image`): Pillow's own palette mapping is approximate (it confuses colours a
few units apart, such as darkgreen at 75% and darkblue), so a cell would change colour between
a PNG and a GIF of the same frame.

This is a low layer: it imports numpy, Pillow, :mod:`worldtest.palette` and
:mod:`worldtest.errors`, nothing else of worldtest.
"""

from __future__ import annotations

import base64
import functools
import io
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from worldtest.errors import ConfigError
from worldtest.palette import COLOURS, RGB, to_rgb

__all__ = [
    "GIF_COLOURS",
    "MIN_PIXELS",
    "OUTLINE",
    "SCALE",
    "WINDOW_BG",
    "WINDOW_TEXT",
    "frame_scale",
    "gif_image",
    "grid_lines",
    "outline_cells",
    "png_bytes",
    "png_data_uri",
    "save_png",
    "to_rgb",
    "upscale",
    "write_gif",
]

SCALE = 8
"""Default pixels per cell side of a drawn frame (report thumbnails and GIF frames)."""

MIN_PIXELS = 128
"""Default smallest longer side, in pixels, of a drawn frame (:func:`frame_scale`)."""

OUTLINE = (255, 0, 255)
"""RGB of the outline :func:`outline_cells` draws around marked cells (magenta)."""

WINDOW_BG = (24, 26, 31)
"""RGB of the play window's background, also the replay GIF's caption strip."""

WINDOW_TEXT = (232, 234, 238)
"""RGB of the play window's text, also the replay GIF's caption."""

_EDGE = 0.75  # what upscale's darker cell edges keep of a colour (corners: 0.75 ** 2)


def _colours() -> tuple[tuple[int, int, int], ...]:
    base = [RGB[name] for name in COLOURS]
    out = [*base, *(tuple(int(v * f) for v in c) for f in (_EDGE, _EDGE**2) for c in base)]
    out += [OUTLINE, *((v, v, v) for v in range(0, 256, 32)), (255, 255, 255)]
    out += [tuple(v // 3 for v in c) for c in base]  # dimmed (the replay GIF's free goal cells)
    out += [tuple((3 * v + 128) // 4 for v in c) for c in base]  # faint lines (replay GIF)
    out += [WINDOW_BG, WINDOW_TEXT]
    return tuple(out)


GIF_COLOURS: tuple[tuple[int, int, int], ...] = _colours()
"""The one palette of every GIF (212 RGB triples, index -> colour), in this order: the 40
palette colours; their shades as :func:`upscale` draws cell edges (75%) and corners (56.25%);
:data:`OUTLINE`; greys 0, 32, ..., 224 and white (caption text); the palette colours dimmed to
a third and blended a quarter towards grey 128 (:func:`grid_lines`), as the replay GIF draws
them; :data:`WINDOW_BG` and :data:`WINDOW_TEXT`."""

_APPROX = 40 * 3 + 1 + 8 + 1
"""Colours not in :data:`GIF_COLOURS` (anti-aliased caption text) map to the nearest of its
first ``_APPROX`` entries (the palette, the edge shades, the outline and the greys)."""


def _codes(rgb: np.ndarray) -> np.ndarray:
    """One ``uint32`` per pixel of ``uint8`` (..., 3) RGB: ``0xRRGGBB``."""
    pixels = rgb.astype(np.uint32)
    return (pixels[..., 0] << 16) | (pixels[..., 1] << 8) | pixels[..., 2]


_CODES = _codes(np.array(GIF_COLOURS, dtype=np.uint8))


@functools.cache
def _lookup() -> np.ndarray:
    """Colour code (``0xRRGGBB``) -> its first index in :data:`GIF_COLOURS`, 255 for a colour
    not in it (the palette has 212): a 16 MiB table, built on the first GIF."""
    table = np.full(1 << 24, 255, dtype=np.uint8)
    for index in range(len(_CODES) - 1, -1, -1):  # backwards: a repeated colour's first wins
        table[_CODES[index]] = index
    return table


_PALETTE = bytes(v for colour in GIF_COLOURS for v in colour)


def _approx_palette() -> Image.Image:
    image = Image.new("P", (1, 1))
    image.putpalette(_PALETTE[: 3 * _APPROX])
    return image


def _image(rgb: np.ndarray, what: str = "image") -> np.ndarray:
    image = np.asarray(rgb)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(
            f"expected an {what} of uint8 RGB, shape (H, W, 3); got {image.dtype} {image.shape}"
        )
    return image


def _scale(scale: int) -> int:
    if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)) or scale < 1:
        raise ConfigError(f"expected a scale of at least 1 pixel per cell, got {scale!r}")
    return int(scale)


def upscale(image: np.ndarray, scale: int = SCALE, *, edges: bool = True) -> np.ndarray:
    """Draw a frame (or an image) with each cell a ``scale`` x ``scale`` block (nearest-neighbour).

    Args:
        image: a frame (``uint8`` palette indices, shape (H, W), drawn with
            :func:`worldtest.palette.to_rgb`) or an RGB image (``uint8`` (H, W, 3)).
        scale: pixels per cell side, at least 1.
        edges: from ``scale`` 4 on, darken each cell's last pixel row and column to 75% (its
            corner to 56.25%), so that cells stay visible; the look of reports and the
            gallery. False: plain blocks.

    Returns:
        ``uint8`` RGB image, shape (H * scale, W * scale, 3).

    Raises:
        ConfigError: ``scale`` below 1, or a frame value outside the palette.
        ValueError: ``image`` is neither (H, W) nor (H, W, 3).
    """
    scale = _scale(scale)
    arr = np.asarray(image)
    rgb = to_rgb(arr) if arr.ndim == 2 else _image(arr)
    rgb = np.repeat(np.repeat(rgb, scale, axis=0), scale, axis=1)
    if edges and scale >= 4:
        shaded = rgb.astype(np.float32)
        shaded[scale - 1 :: scale, :, :] *= _EDGE
        shaded[:, scale - 1 :: scale, :] *= _EDGE
        rgb = shaded.astype(np.uint8)
    return rgb


def grid_lines(
    rgb: np.ndarray, scale: int, colour: tuple[int, int, int], weight: float = 1.0
) -> np.ndarray:
    """Draw a line along each cell's first pixel row and column of an upscaled image.

    Each line pixel becomes ``floor((1 - weight) * pixel + weight * colour)``, once where two
    lines cross. The model's PNGs use ``(64, 64, 64)`` at weight 1; the replay GIF grey 128 at
    weight 0.25 (faint lines).

    Args:
        rgb: ``uint8`` (H * scale, W * scale, 3), e.g. from ``upscale(frame, scale,
            edges=False)``.
        scale: pixels per cell side.
        colour: the line's RGB; weight: 0..1, how much of it covers the pixel.

    Returns:
        A new image of the same shape.

    Raises:
        ConfigError: ``scale`` below 1 or ``weight`` outside 0..1.
        ValueError: ``rgb`` is not ``uint8`` (H, W, 3).
    """
    scale, out = _scale(scale), _image(rgb).copy()
    if not 0.0 <= weight <= 1.0:
        raise ConfigError(f"expected a line weight in 0..1, got {weight!r}")
    ink = np.asarray(colour, dtype=np.float64) * weight

    def blend(pixels: np.ndarray) -> np.ndarray:
        return np.floor(pixels * (1.0 - weight) + ink).astype(np.uint8)

    out[::scale] = blend(out[::scale])  # each cell's first row
    columns = out[:, ::scale]  # a view: then each cell's first column, but its first row
    rest = np.arange(out.shape[0]) % scale != 0
    columns[rest] = blend(columns[rest])
    return out


def frame_scale(frame: np.ndarray, scale: int = SCALE, min_pixels: int = MIN_PIXELS) -> int:
    """Pixels per cell for ``frame`` (shape (H, W, ...)): ``scale``, or more so that its longer
    side is drawn at least ``min_pixels`` pixels (a 4x4 grid gets 32 per cell at 128)."""
    return max(scale, -(-min_pixels // max(frame.shape[:2])))


def outline_cells(rgb: np.ndarray, cells: np.ndarray, scale: int) -> np.ndarray:
    """Outline the region of ``cells`` on an upscaled frame.

    Args:
        rgb: ``uint8`` (H * scale, W * scale, 3), from :func:`upscale`.
        cells: bool (H, W); the outline follows the border of the True cells (each cell's
            sides that face a False cell or the grid's edge), ``max(2, scale // 5)`` pixels
            thick, inside the cells, in :data:`OUTLINE`.
        scale: pixels per cell side.

    Returns:
        A new image of the same shape.

    Raises:
        ValueError: ``rgb`` is not ``uint8`` (H, W, 3) or ``cells`` does not match it.
    """
    out, scale = _image(rgb).copy(), _scale(scale)
    cells = np.asarray(cells, dtype=bool)
    if cells.ndim != 2 or (cells.shape[0] * scale, cells.shape[1] * scale) != out.shape[:2]:
        raise ValueError(
            f"expected cells of shape {(out.shape[0] // scale, out.shape[1] // scale)} for an "
            f"image of {out.shape[:2]} at {scale} px per cell, got {cells.shape}"
        )
    t = max(2, scale // 5)
    padded = np.pad(cells, 1)
    for y, x in zip(*np.nonzero(cells), strict=True):
        top, left = y * scale, x * scale
        if not padded[y, x + 1]:  # the cell above
            out[top : top + t, left : left + scale] = OUTLINE
        if not padded[y + 2, x + 1]:  # below
            out[top + scale - t : top + scale, left : left + scale] = OUTLINE
        if not padded[y + 1, x]:  # left
            out[top : top + scale, left : left + t] = OUTLINE
        if not padded[y + 1, x + 2]:  # right
            out[top : top + scale, left + scale - t : left + scale] = OUTLINE
    return out


def png_bytes(rgb: np.ndarray, *, optimize: bool = False) -> bytes:
    """Encode an image as an RGB PNG (Pillow; the same bytes for the same pixels).

    Args:
        rgb: ``uint8`` (H, W, 3).
        optimize: let Pillow search for a smaller encoding (slower).

    Raises:
        ValueError: ``rgb`` is not ``uint8`` (H, W, 3).
    """
    buffer = io.BytesIO()
    Image.fromarray(_image(rgb), "RGB").save(buffer, format="PNG", optimize=optimize)
    return buffer.getvalue()


def png_data_uri(rgb: np.ndarray) -> str:
    """An image (``uint8`` (H, W, 3)) as a ``data:image/png;base64,...`` URI (optimised PNG)."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(rgb, optimize=True)).decode(
        "ascii"
    )


def save_png(rgb: np.ndarray, path: str | os.PathLike[str]) -> Path:
    """Write an image (``uint8`` (H, W, 3)) as an optimised PNG file; returns the path.

    Raises:
        OSError: the file cannot be written. ValueError: ``rgb`` is not (H, W, 3) ``uint8``.
    """
    Image.fromarray(_image(rgb), "RGB").save(path, format="PNG", optimize=True)
    return Path(path)


def gif_image(rgb: np.ndarray) -> Image.Image:
    """An image as a ``P``-mode Pillow image in :data:`GIF_COLOURS`.

    A pixel whose colour is in the palette gets that colour's (first) index, exactly; any other
    (anti-aliased text) the nearest of the palette's first colours (:data:`_APPROX`, Pillow's
    mapping without dithering).

    Args:
        rgb: ``uint8`` (H, W, 3).

    Raises:
        ValueError: ``rgb`` is not ``uint8`` (H, W, 3).
    """
    rgb = _image(rgb)
    indices = _lookup()[_codes(rgb)]
    found = indices != 255
    if not found.all():
        approx = Image.fromarray(rgb, "RGB").quantize(
            palette=_approx_palette(), dither=Image.Dither.NONE
        )
        indices = np.where(found, indices, np.asarray(approx)).astype(np.uint8)
    image = Image.fromarray(indices, "P")
    image.putpalette(_PALETTE)
    return image


def write_gif(
    frames: Sequence[np.ndarray], path: str | os.PathLike[str], durations: Sequence[int],
    *, loop: int = 0,
) -> Path:
    """Write images as an animated GIF in the one palette (:func:`gif_image`).

    Args:
        frames: ``uint8`` RGB images (H, W, 3), all the same shape, in order.
        path: the GIF file (its folder is created).
        durations: how long each frame shows, milliseconds (GIF stores tens of them).
        loop: times to repeat; 0 loops forever.

    Returns:
        The path written.

    Raises:
        ConfigError: no frames, or not one duration per frame.
        ValueError: a frame is not ``uint8`` (H, W, 3) or differs in shape from the first.
        OSError: the file cannot be written.
    """
    if not frames or len(frames) != len(durations):
        raise ConfigError(
            f"expected one duration per GIF frame and at least one frame, got {len(frames)} "
            f"frame(s) and {len(durations)} duration(s)"
        )
    shape = _image(frames[0], "GIF frame").shape
    for i, frame in enumerate(frames):
        if _image(frame, "GIF frame").shape != shape:
            raise ValueError(f"GIF frame {i} has shape {frame.shape}, frame 0 {shape}")
    images = [gif_image(frame) for frame in frames]
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=[int(d) for d in durations],
        loop=loop,
        optimize=False,
    )
    return out

"""worldtest.render: the one module that turns frames into pictures.

The pictures people see must not change with the move to one module: each test below draws
fixed frames both with the shared code and with the code it replaced (copied here, frozen, from
report/media.py, human/replay_view.py, gallery.py and agents/llm/render.py as they were), and
compares the decoded pixels.
"""

from __future__ import annotations

import ast
import base64
import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFont

from worldtest import render
from worldtest.errors import ConfigError
from worldtest.palette import COLOURS, RGB, from_letters, to_rgb

ALL = np.arange(40, dtype=np.uint8).reshape(5, 8)  # every palette colour once, mask first
BOARD = from_letters("""
    ..RR.B
    .GGR.B
    YY?..B
    AOOOWW
""")
REGION = np.zeros(BOARD.shape, dtype=bool)
REGION[1:3, 1:4] = True
REGION[0, 2] = True


# -- the code this module replaced, frozen --------------------------------------------------


def old_upscale(frame, scale):  # report/media.py's upscale
    rgb = np.repeat(np.repeat(to_rgb(frame), scale, axis=0), scale, axis=1)
    if scale >= 4:
        edge = rgb.astype(np.float32)
        edge[scale - 1 :: scale, :, :] *= 0.75
        edge[:, scale - 1 :: scale, :] *= 0.75
        rgb = edge.astype(np.uint8)
    return rgb


def old_gif_colours():  # report/media.py's _gif_colours
    base = [RGB[name] for name in COLOURS]
    colours = [*base, *(tuple(int(v * f) for v in c) for f in (0.75, 0.5625) for c in base)]
    colours += [(255, 0, 255)] + [(v, v, v) for v in range(0, 256, 32)] + [(255, 255, 255)]
    return [tuple(int(v) for v in c) for c in colours]


def old_gif_palette():
    image = Image.new("P", (1, 1))
    image.putpalette([v for c in old_gif_colours() for v in c])
    return image


def old_exact_indices(rgb, approx):  # report/media.py's _exact_indices
    colours = np.array(old_gif_colours(), dtype=np.int64)
    codes = (colours[:, 0] << 16) | (colours[:, 1] << 8) | colours[:, 2]
    order = np.argsort(codes, kind="stable")
    pixels = rgb.astype(np.int64)
    wanted = (pixels[..., 0] << 16) | (pixels[..., 1] << 8) | pixels[..., 2]
    at = np.clip(np.searchsorted(codes[order], wanted), 0, len(codes) - 1)
    found = codes[order][at] == wanted
    return np.where(found, order[at], approx).astype(np.uint8)


def old_report_gif_frame(image):  # report/media.py's _captioned, from its RGB image on
    quantized = image.quantize(palette=old_gif_palette(), dither=Image.Dither.NONE)
    exact = Image.fromarray(old_exact_indices(np.asarray(image), np.asarray(quantized)), "P")
    exact.putpalette(quantized.getpalette())
    return np.asarray(exact.convert("RGB"))


def old_png(frame, cell_px):  # agents/llm/render.py's hand-written encoder
    rgb = np.repeat(np.repeat(to_rgb(frame), cell_px, axis=0), cell_px, axis=1)
    if cell_px >= 4:
        rgb[::cell_px, :] = (64, 64, 64)
        rgb[:, ::cell_px] = (64, 64, 64)
    height, width = rgb.shape[:2]
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)
    rows[:, 1:] = rgb.reshape(height, 3 * width)

    def chunk(tag, data):
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)) + chunk(b"IEND", b""))


_BASE = np.array([RGB[name] for name in COLOURS], dtype=np.int32)
OLD_REPLAY_PALETTE = np.concatenate(  # human/replay_view.py's _GIF_PALETTE
    [_BASE, _BASE // 3, (_BASE * 3 + 128) // 4,
     np.array([(24, 26, 31), (232, 234, 238), (255, 255, 255)])]
).astype(np.uint8)


def old_replay_grid(grid, cell, outline, dim):  # human/replay_view.py's _grid_indices
    idx = grid.astype(np.uint8)
    if dim is not None:
        idx = np.where(dim.astype(bool), idx + 40, idx).astype(np.uint8)
    big = np.repeat(np.repeat(idx, cell, axis=0), cell, axis=1)
    for lines in (big[::cell, :], big[:, ::cell]):
        lines[lines < 40] += 80
    if outline is not None:
        edge = np.repeat(np.repeat(outline.astype(bool), cell, 0), cell, 1)
        inner = np.zeros_like(edge)
        inner[2:-2, 2:-2] = edge[:-4, :-4] & edge[4:, 4:] & edge[:-4, 4:] & edge[4:, :-4]
        big[edge & ~inner] = 122
    return OLD_REPLAY_PALETTE[big]


def gif_pixels(path):
    with Image.open(path) as gif:
        out = []
        for i in range(gif.n_frames):
            gif.seek(i)
            out.append(np.asarray(gif.convert("RGB")))
        return out


# -- the same pixels as before ---------------------------------------------------------------


@pytest.mark.parametrize("scale", [1, 2, 3, 4, 8, 12, 32])
def test_upscale_draws_what_reports_and_the_gallery_drew(scale):
    for frame in (ALL, BOARD):
        assert np.array_equal(render.upscale(frame, scale), old_upscale(frame, scale))
    plain = render.upscale(ALL, scale, edges=False)
    assert plain.shape == (5 * scale, 8 * scale, 3) and plain.dtype == np.uint8
    assert tuple(plain[-1, -1]) == RGB["darkorange"]  # no darker edge
    assert np.array_equal(render.upscale(to_rgb(ALL), scale), render.upscale(ALL, scale))


@pytest.mark.parametrize("cell_px", [1, 2, 3, 4, 8, 16])
def test_model_pngs_decode_to_the_pixels_of_the_old_encoder(cell_px):
    from worldtest.agents.llm.render import png

    for frame in (ALL, BOARD):
        new, old = png(frame, cell_px), old_png(frame, cell_px)
        with Image.open(io.BytesIO(new)) as a, Image.open(io.BytesIO(old)) as b:
            assert a.mode == b.mode == "RGB"
            assert np.array_equal(np.asarray(a), np.asarray(b))
        assert png(frame, cell_px) == new  # reproducible bytes


@pytest.mark.parametrize("cell", [3, 8, 16])
def test_replay_gif_grids_are_drawn_as_before(cell):
    from worldtest.human.replay_view import _grid_rgb

    for outline, dim in [(None, None), (REGION, None), (REGION, ~REGION), (None, REGION)]:
        new = _grid_rgb(BOARD, cell, outline, dim)
        assert np.array_equal(new, old_replay_grid(BOARD, cell, outline, dim)), (outline, dim)
    assert np.array_equal(_grid_rgb(ALL, cell, None, None), old_replay_grid(ALL, cell, None, None))


def test_report_gif_frames_keep_their_cells_and_caption_text_gets_no_worse():
    from worldtest.report.media import _captioned

    font = ImageFont.load_default()
    for frame, marked in [(ALL, None), (BOARD, REGION)]:
        drawn = _captioned(frame, "interaction 3/12: click 3 3", 20, font, marked)
        body = render.upscale(frame, 20)
        if marked is not None:
            body = render.outline_cells(body, marked, 20)
        assert np.array_equal(drawn[: body.shape[0]], body)
        gif = render.gif_image(drawn)
        new = np.asarray(gif.convert("RGB")).astype(int)
        old = old_report_gif_frame(Image.fromarray(drawn, "RGB")).astype(int)
        h = body.shape[0]
        assert np.array_equal(new[:h], old[:h])  # every cell pixel exactly as before
        # The caption's anti-aliased greys: each as close to what was drawn as before, or
        # closer (a grey that is now in the palette is kept exactly).
        error_new = np.abs(new[h:] - drawn[h:]).sum(axis=2)
        error_old = np.abs(old[h:] - drawn[h:]).sum(axis=2)
        assert (error_new <= error_old).all()


def test_play_window_grid_is_the_upscaled_frame():
    pygame = pytest.importorskip("pygame")
    from worldtest.human.widgets import draw_grid

    frame = np.where(BOARD == 0, 5, BOARD).astype(np.uint8)  # no mask: its X is window-only
    for cell in (2, 7, 24):
        surface = pygame.Surface((frame.shape[1] * cell, frame.shape[0] * cell))
        draw_grid(surface, frame, (0, 0), cell, lines=False)
        shown = pygame.surfarray.array3d(surface).transpose(1, 0, 2)
        assert np.array_equal(shown, render.upscale(frame, cell, edges=False))


# -- GIFs: one palette, exact colours -------------------------------------------------------


def test_the_one_gif_palette_holds_every_colour_a_frame_is_drawn_in():
    colours = set(render.GIF_COLOURS)
    assert len(render.GIF_COLOURS) <= 256
    assert render.GIF_COLOURS[:40] == tuple(RGB[name] for name in COLOURS)
    assert render.GIF_COLOURS[: len(old_gif_colours())] == tuple(old_gif_colours())
    assert set(map(tuple, OLD_REPLAY_PALETTE.tolist())) <= colours
    for scale in (4, 8):
        assert set(map(tuple, render.upscale(ALL, scale).reshape(-1, 3).tolist())) <= colours


def test_gif_frames_decode_to_exactly_the_drawn_pixels(tmp_path):
    # Edges and corners of all 40 colours: shades a few units apart (darkgreen at 75%, red and
    # blue at 56.25% next to darkred and darkblue) that Pillow's own mapping confuses.
    frames = [render.upscale(ALL, 8), render.outline_cells(render.upscale(ALL, 8), ALL > 20, 8),
              render.grid_lines(render.upscale(ALL, 8, edges=False), 8, (128, 128, 128), 0.25)]
    path = render.write_gif(frames, tmp_path / "deep" / "a.gif", [100, 50, 1000])
    decoded = gif_pixels(path)
    assert len(decoded) == 3
    for got, want in zip(decoded, frames, strict=True):
        assert np.array_equal(got, want)
    with Image.open(path) as gif:
        assert gif.info["loop"] == 0 and gif.info["duration"] == 100


def test_gif_image_maps_other_colours_to_a_near_one():
    odd = np.full((2, 2, 3), (250, 3, 3), np.uint8)  # not in the palette: nearest is red
    assert tuple(np.asarray(render.gif_image(odd).convert("RGB"))[0, 0]) == RGB["red"]


# -- the other primitives --------------------------------------------------------------------


def test_grid_lines_cover_each_cells_top_and_left_side_once():
    rgb = render.upscale(BOARD, 4, edges=False)
    solid = render.grid_lines(rgb, 4, (64, 64, 64))
    assert tuple(solid[0, 0]) == tuple(solid[4, 9]) == tuple(solid[9, 4]) == (64, 64, 64)
    assert tuple(solid[9, 9]) == tuple(rgb[9, 9])
    faint = render.grid_lines(rgb, 4, (128, 128, 128), 0.25)
    red = RGB["red"]
    assert tuple(faint[0, 8]) == tuple((3 * v + 128) // 4 for v in red)  # crossing: one blend
    assert np.array_equal(rgb, render.upscale(BOARD, 4, edges=False))  # input untouched


def test_outline_cells_and_frame_scale():
    out = render.outline_cells(render.upscale(BOARD, 10), REGION, 10)
    assert tuple(out[0, 20]) == render.OUTLINE  # top of the region's top cell (0, 2)
    assert tuple(out[15, 15]) == RGB[COLOURS[BOARD[1, 1]]]  # inside a cell: untouched
    assert render.frame_scale(np.zeros((4, 4))) == 32
    assert render.frame_scale(np.zeros((16, 16))) == render.SCALE
    assert render.frame_scale(np.zeros((4, 6)), 2, 60) == 10


def test_png_bytes_data_uri_and_file(tmp_path):
    rgb = render.upscale(BOARD, 3)
    with Image.open(io.BytesIO(render.png_bytes(rgb))) as image:
        assert np.array_equal(np.asarray(image), rgb)
    uri = render.png_data_uri(rgb)
    assert uri.startswith("data:image/png;base64,")
    with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as image:
        assert np.array_equal(np.asarray(image), rgb)
    path = render.save_png(rgb, tmp_path / "b.png")
    with Image.open(path) as image:
        assert np.array_equal(np.asarray(image), rgb)


def test_bad_input_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="scale of at least 1"):
        render.upscale(BOARD, 0)
    with pytest.raises(ConfigError, match="palette index 40 out of range"):
        render.upscale(np.full((2, 2), 40, np.uint8), 2)
    with pytest.raises(ValueError, match=r"shape \(H, W, 3\)"):
        render.upscale(np.zeros((2, 2, 2, 3), np.uint8), 2)
    with pytest.raises(ValueError, match=r"uint8 RGB"):
        render.png_bytes(np.zeros((4, 4, 3), np.float32))
    with pytest.raises(ConfigError, match="weight in 0..1"):
        render.grid_lines(render.upscale(BOARD, 2), 2, (0, 0, 0), 2.0)
    with pytest.raises(ValueError, match=r"cells of shape \(4, 6\)"):
        render.outline_cells(render.upscale(BOARD, 2), REGION[:2], 2)
    frame = render.upscale(BOARD, 2)
    with pytest.raises(ConfigError, match="one duration per GIF frame"):
        render.write_gif([frame, frame], tmp_path / "x.gif", [10])
    with pytest.raises(ConfigError, match="0 frame"):
        render.write_gif([], tmp_path / "x.gif", [])
    with pytest.raises(ValueError, match="GIF frame 1 has shape"):
        render.write_gif([frame, render.upscale(BOARD, 3)], tmp_path / "x.gif", [10, 10])


def test_render_is_a_low_layer():
    """It imports numpy, Pillow, palette and errors; nothing above (env, protocol, agents,
    report, human), lazily or not."""
    source = Path(render.__file__).read_text(encoding="utf-8")
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module)
    ours = {n for n in names if n.split(".")[0] == "worldtest"}
    assert ours == {"worldtest.errors", "worldtest.palette"}
    others = {n.split(".")[0] for n in names} - {"worldtest"}
    assert others <= {"__future__", "base64", "functools", "io", "os", "collections", "pathlib",
                      "numpy", "PIL"}

"""worldtest.palette: the colour table, conversions between names, indices, RGB and text."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from worldtest import palette
from worldtest.errors import ConfigError

# autumn-language.md section 7 (MARA color_dict.yaml), in index order.
EXPECTED = [
    "mask",
    "black",
    "gray",
    "grey",
    "gold",
    "green",
    "mediumpurple",
    "purple",
    "white",
    "yellow",
    "blue",
    "red",
    "orange",
    "sandybrown",
    "brown",
    "pink",
    "lightblue",
    "orangered",
    "skyblue",
    "lightcyan",
    "lightgreen",
    "magenta",
    "darkgray",
    "darkgrey",
    "darkblue",
    "darkgreen",
    "darkred",
    "tan",
    "lightpink",
    "crimson",
    "goldenrod",
    "steelblue",
    "coral",
    "silver",
    "seagreen",
    "limegreen",
    "cyan",
    "lightgray",
    "maroon",
    "darkorange",
]


def test_table_matches_color_dict():
    assert tuple(EXPECTED) == palette.COLOURS
    assert palette.MASK == 0
    assert set(palette.RGB) == set(palette.COLOURS)
    assert len(set(palette.LETTERS)) == len(palette.LETTERS) == len(palette.COLOURS)


@pytest.mark.parametrize(
    ("name", "rgb"),
    [
        ("mask", (112, 128, 144)),
        ("black", (0, 0, 0)),
        ("gray", (128, 128, 128)),
        ("grey", (128, 128, 128)),
        ("gold", (255, 215, 0)),
        ("green", (0, 128, 0)),
        ("darkgreen", (0, 100, 0)),
        ("sandybrown", (244, 164, 96)),
        ("darkorange", (255, 140, 0)),
    ],
)
def test_css_rgb_values(name, rgb):
    assert palette.RGB[name] == rgb


def test_index_of_is_case_insensitive_and_maps_transparent_to_mask():
    assert palette.index_of("red") == 11
    assert palette.index_of("Red") == 11
    assert palette.index_of("DARKORANGE") == 39
    assert palette.index_of("transparent") == palette.MASK
    assert palette.index_of("mask") == palette.MASK
    assert palette.index_of("gray") != palette.index_of("grey")


def test_index_of_unknown_names_the_colour_briefly():
    with pytest.raises(ConfigError) as info:
        palette.index_of("chartreuse")
    message = str(info.value)
    assert "'chartreuse'" in message
    assert len(message) < 300  # it does not list the whole palette


def test_to_indices_shape_dtype_values():
    grid = [["black", "red", "blue"], ["grey", "transparent", "Gold"]]
    frame = palette.to_indices(grid)
    assert frame.dtype == np.uint8
    assert frame.shape == (2, 3)
    assert frame.tolist() == [[1, 11, 10], [3, 0, 4]]


def test_to_indices_empty_grid():
    assert palette.to_indices([]).shape == (0, 0)


def test_to_indices_unknown_name_names_cell():
    with pytest.raises(ConfigError, match=r"cell \(x=2, y=1\).*'vermilion'"):
        palette.to_indices([["red", "red", "red"], ["red", "Red", "vermilion"]])


def test_to_indices_ragged_rows():
    with pytest.raises(ConfigError, match="row 1 has 1"):
        palette.to_indices([["red", "red"], ["red"]])


def test_to_names_keeps_exact_names():
    frame = np.array([[2, 3], [22, 23], [0, 1]], dtype=np.uint8)
    assert palette.to_names(frame) == [
        ["gray", "grey"],
        ["darkgray", "darkgrey"],
        ["mask", "black"],
    ]


def test_to_names_rejects_out_of_range_and_bad_shape():
    with pytest.raises(ConfigError, match="40"):
        palette.to_names(np.array([[1, 40]]))
    with pytest.raises(ValueError, match=r"\(H, W\)"):
        palette.to_names(np.zeros((2, 2, 2), dtype=np.uint8))


def test_to_rgb():
    image = palette.to_rgb(np.array([[0, 11], [8, 10]], dtype=np.uint8))
    assert image.dtype == np.uint8
    assert image.shape == (2, 2, 3)
    assert image[0, 0].tolist() == [112, 128, 144]
    assert image[0, 1].tolist() == [255, 0, 0]
    assert image[1, 0].tolist() == [255, 255, 255]
    assert image[1, 1].tolist() == [0, 0, 255]


def test_letter_grid_reads_like_the_conformance_notes():
    frame = palette.to_indices(
        [
            ["red", "black", "black"],
            ["black", "blue", "mask"],
        ]
    )
    text, legend = palette.letter_grid(frame)
    assert text == "R..\n.B?"
    assert legend == {"?": "mask", ".": "black", "B": "blue", "R": "red"}
    assert list(legend.values()) == ["mask", "black", "blue", "red"]  # palette order


def test_from_letters_inverts_letter_grid_and_strips_indentation():
    frame = palette.from_letters(
        """
        R...
        .GY.
        """
    )
    assert frame.dtype == np.uint8
    assert palette.to_names(frame) == [
        ["red", "black", "black", "black"],
        ["black", "green", "yellow", "black"],
    ]
    with pytest.raises(ConfigError, match=r"cell \(x=1, y=0\).*'%'"):
        palette.from_letters("R%")


@given(
    arrays(np.uint8, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=st.integers(0, 39))
)
def test_round_trips(frame):
    assert np.array_equal(palette.to_indices(palette.to_names(frame)), frame)
    text, legend = palette.letter_grid(frame)
    assert np.array_equal(palette.from_letters(text), frame)
    assert set(legend.values()) == {palette.COLOURS[i] for i in np.unique(frame)}

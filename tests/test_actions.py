"""Action parsing: every canonical form round-trips; bad text gives a clear ActionError."""

import pytest

from worldtest.env import TEMPLATES, Action, parse_action
from worldtest.errors import ActionError

CANONICAL = [
    "noop",
    "left",
    "right",
    "up",
    "down",
    "click 0 0",
    "click 15 7",
    "reset",
    "go-to-test",
    "quit",
    "step",
    "rewind",
    "choose 0",
    "choose 5",
    "found-change",
    "choose-frame 0",
    "choose-frame 123",
    "submit",
]


@pytest.mark.parametrize("text", CANONICAL)
def test_canonical_text_round_trips(text):
    action = parse_action(text, grid_size=16)
    assert str(action) == text
    assert parse_action(str(action), grid_size=16) == action


def test_every_kind_has_a_canonical_example():
    assert {parse_action(t).kind for t in CANONICAL} == set(TEMPLATES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  LEFT ", Action("left")),
        ("Click   3\t4", Action("click", 3, 4)),
        ("\nGo-To-Test\n", Action("go-to-test")),
        ("CHOOSE-FRAME 07", Action("choose-frame", n=7)),
    ],
)
def test_lenient_about_case_and_whitespace(text, expected):
    assert parse_action(text) == expected


def test_fields():
    click = parse_action("click 3 4")
    assert (click.kind, click.x, click.y, click.n) == ("click", 3, 4, None)
    assert click.event == ("click", 3, 4) and click.is_program_action
    assert parse_action("noop").event is None
    assert parse_action("up").event == "up"
    assert parse_action("choose 2").n == 2
    assert parse_action("choose 2").template == "choose N"
    assert not parse_action("reset").is_program_action
    with pytest.raises(ActionError, match="not a program input"):
        _ = parse_action("reset").event


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty action: expected one of noop, left"),
        ("   ", "empty action"),
        (
            "jump",
            "unknown action 'jump': expected one of noop, left, right, up, down, click X Y, reset",
        ),
        ("go to test", "unknown action 'go to test'"),
        ("go_to_test", "unknown action"),
        ("left.", "unknown action 'left.'"),
        ("left 1", "'left' takes no arguments"),
        ("click", "expected 'click X Y' (two integers, X = column and Y = row), got 'click'"),
        ("click 3", "expected 'click X Y'"),
        ("click 3 4 5", "expected 'click X Y'"),
        ("click 3.0 4", "expected 'click X Y'"),
        ("click a b", "expected 'click X Y'"),
        ("click 3,4", "expected 'click X Y'"),
        ("choose", "expected 'choose N' (one integer)"),
        ("choose two", "expected 'choose N'"),
        ("choose -1", "non-negative"),
        ("choose-frame", "expected 'choose-frame K'"),
        ("submit now", "'submit' takes no arguments"),
    ],
)
def test_bad_text_is_an_action_error_naming_what_was_expected(text, message):
    with pytest.raises(ActionError) as err:
        parse_action(text, grid_size=16)
    assert message in str(err.value)


@pytest.mark.parametrize(
    "text", ["click 16 0", "click 0 16", "click -1 3", "click 3 -1", "click 99 99"]
)
def test_click_outside_the_grid(text):
    with pytest.raises(ActionError, match=r"outside the 16x16 grid: X and Y must be in 0\.\.15"):
        parse_action(text, grid_size=16)


def test_click_bounds_need_the_grid_size_but_negatives_never_pass():
    assert parse_action("click 99 99") == Action("click", 99, 99)
    with pytest.raises(ActionError, match="outside the grid"):
        parse_action("click -1 0")


def test_non_string_input():
    with pytest.raises(ActionError, match="expected action text \\(a string\\), got int"):
        parse_action(3)  # type: ignore[arg-type]
    with pytest.raises(ActionError, match="got NoneType"):
        parse_action(None)  # type: ignore[arg-type]


def test_long_text_is_truncated_in_the_message():
    with pytest.raises(ActionError) as err:
        parse_action("x" * 10_000)
    assert len(str(err.value)) < 400


def test_action_constructor_checks_its_arguments():
    with pytest.raises(ActionError, match="unknown action kind 'fly'"):
        Action("fly")
    with pytest.raises(ActionError, match="click X Y"):
        Action("click", 3)
    with pytest.raises(ActionError, match="choose N"):
        Action("choose")
    with pytest.raises(ActionError):
        Action("left", n=2)
    with pytest.raises(ActionError):
        Action("left", x=1)

"""Frame tests for balloon and flock (environments/*.sexp).

Same style as tests/test_environments.py: boards use the letters of worldtest.palette.LETTERS
(``.`` black, ``A`` gray, ``K`` brown, ``R`` red, ``Y`` yellow, ``B`` blue, ``d`` darkgray,
``W`` white, ``N`` orange, ``O`` gold, ...). Every expected board is derived by hand from the
rules in the program's header comment (and, for random draws, from the generator of
autumn-language.md section 6). Ticks count from frame 0: the first action makes frame 1.
"""

from __future__ import annotations

from test_environments import board, count, draw_stream, expect, play, start


def rows_with(world, letter: str) -> list[int]:
    return [y for y, line in enumerate(board(world).split("\n")) if letter in line]


def columns_with(world, letter: str) -> list[int]:
    lines = board(world).split("\n")
    return sorted({x for line in lines for x, c in enumerate(line) if c == letter})


# --- balloon -------------------------------------------------------------------------------

BALLOON_START = expect("""
    YYYYYY..........
    ................
    ................
    ................
    ................
    ...RR...........
    ...RR...........
    ...KK...........
    ................
    ................
    ................
    ................
    ................
    ................
    ................
    NNAAAAWWWWAAAABB
""")


def test_balloon_frame_zero():
    assert board(start("balloon")) == BALLOON_START


def test_balloon_sinks_one_row_every_third_tick():
    # Sinking happens in ticks 3, 6, 9 (previous clock 2, 5, 8).
    world = play(start("balloon"), noops=2)
    assert rows_with(world, "R") == [5, 6]
    play(world, "noop")
    assert rows_with(world, "R") == [6, 7] and rows_with(world, "K") == [8]
    play(world, noops=2)
    assert rows_with(world, "R") == [6, 7]
    play(world, "noop")
    assert rows_with(world, "R") == [7, 8]


def test_balloon_burning_rises_uses_fuel_and_stops_when_empty():
    world = play(start("balloon"), "up")
    assert rows_with(world, "R") == [4, 5]
    assert board(world, slice(0, 1)) == "YYYYYd.........."
    play(world, "click 0 15", "up")  # the burner click burns too
    assert rows_with(world, "R") == [2, 3]
    assert board(world, slice(0, 1)) == "YYYddd.........."
    play(world, "up", "up", "up")  # the balloon stops at row 1; the fuel still burns
    assert rows_with(world, "R") == [1, 2]
    assert board(world, slice(0, 1)) == "dddddd.........."
    # Tick 7 (previous clock 6): no fuel, so up does nothing. Tick 9 (previous clock 8) sinks.
    play(world, "up", "up")
    assert rows_with(world, "R") == [1, 2]
    play(world, "up")
    assert rows_with(world, "R") == [2, 3]
    assert board(world, slice(0, 1)) == "dddddd.........."


def test_balloon_fuel_can_refills_the_tank():
    world = play(start("balloon"), "up", "up", "up")
    assert board(world, slice(0, 1)) == "YYYddd.........."
    play(world, "click 14 15")
    assert board(world, slice(0, 1)) == "YYYYYY.........."
    play(world, "click 5 0")  # the gauge itself is not a button
    assert board(world, slice(0, 1)) == "YYYYYY.........."


def _drifting_descent(seed: int) -> int:
    """The balloon's x after it settles, with noops only: sink on previous clock 2 mod 3,
    a uniformChoice (-1 0 1) gust on odd previous clock while airborne."""
    gen = draw_stream(seed)
    next(gen)
    x, y = 3, 5
    for clock in range(0, 40):
        if clock % 3 == 2:
            y = min(y + 1, 12)
        if clock % 2 == 1 and y < 12:
            x = max(0, min(14, x + (-1, 0, 1)[gen.send(3)]))
    return x


def test_balloon_gusts_follow_the_draws_and_landing_on_the_pad_lights_it():
    # With seed 10 the balloon settles at x 7 (on the pad); with seed 2 at x 3 (beside it).
    assert _drifting_descent(10) == 7 and _drifting_descent(2) == 3
    on_pad = play(start("balloon", seed=10), noops=21)  # the 7th sink is in tick 21
    assert columns_with(on_pad, "R") == [7, 8]
    assert board(on_pad, slice(12, 16)) == expect("""
        .......RR.......
        .......RR.......
        .......KK.......
        NNAAAAOOOOAAAABB
    """)
    play(on_pad, noops=20)  # resting on the ground: no more gusts
    assert board(on_pad, slice(12, 16)).endswith("NNAAAAOOOOAAAABB")
    assert columns_with(on_pad, "R") == [7, 8]
    beside = play(start("balloon", seed=2), noops=40)
    assert board(beside, slice(12, 16)) == expect("""
        ...RR...........
        ...RR...........
        ...KK...........
        NNAAAAWWWWAAAABB
    """)


# --- flock ---------------------------------------------------------------------------------

FLOCK_START = expect("""
    ....................
    ....................
    ....................
    ...K................
    ................K...
    ....................
    ....................
    ....................
    ....................
    ..........Y.........
    ....................
    ....................
    .....W.W............
    ......W.............
    ....W...W...........
    ....................
    .........K..........
    ....................
    ....................
    ....................
""")

FLOCK_BIRDS = [(5, 12), (7, 12), (6, 13), (4, 14), (8, 14)]


def _sign(v: int) -> int:
    return (v > 0) - (v < 0)


def _first_tick_birds(seed: int, hawk: tuple[int, int] | None) -> list[tuple[int, int]]:
    """Tick 1 of the bird rule from frame 0 (leader at (10, 9), occupancy = frame 0)."""
    gen = draw_stream(seed)
    next(gen)
    occupied = set(FLOCK_BIRDS) | {(10, 9), (3, 3), (16, 4), (9, 16)}
    out = []
    for x, y in FLOCK_BIRDS:
        if hawk and (hawk[0] - x) ** 2 + (hawk[1] - y) ** 2 <= 16:
            dx, dy = _sign(hawk[0] - x), _sign(hawk[1] - y)
            way = (-dx, 0) if dx else (0, -dy)
        else:
            dx, dy = _sign(10 - x), _sign(9 - y)
            way = (dx, 0) if dx else (0, dy)
        jit = (-1, 0, 1)[gen.send(3)]
        dest = (x + way[0], y + jit) if way[0] else (x + jit, y + way[1])
        free = 0 <= dest[0] < 20 and 0 <= dest[1] < 20 and dest not in occupied
        out.append(dest if free else (x, y))
    return out


def _cells(world, letter: str) -> set[tuple[int, int]]:
    lines = board(world).split("\n")
    return {(x, y) for y, line in enumerate(lines) for x, c in enumerate(line) if c == letter}


def test_flock_frame_zero():
    assert board(start("flock")) == FLOCK_START


def test_flock_leader_flies_with_the_wind_and_bounces_off_edges():
    world = play(start("flock"), noops=9)
    assert _cells(world, "Y") == {(19, 9)}
    play(world, "noop")  # the wind would carry it off the grid: it reverses at once
    assert _cells(world, "Y") == {(18, 9)}
    play(world, *["up"] * 9)  # the arrows set the wind: nine rows up
    assert _cells(world, "Y") == {(18, 0)}
    play(world, "up")  # up points off the grid, so the wind blows down instead
    assert _cells(world, "Y") == {(18, 1)}
    play(world, "left", "noop")
    assert _cells(world, "Y") == {(16, 1)}


def test_flock_birds_step_toward_the_leader_with_random_jitter():
    for seed in (42, 7):
        world = play(start("flock", seed=seed), "noop")
        assert _cells(world, "W") == set(_first_tick_birds(seed, None))
        assert count(world, "W") == 5


def test_flock_hawk_perches_on_a_clicked_perch_and_birds_flee_it():
    world = play(start("flock"), "click 9 16")
    assert _cells(world, "R") == {(9, 16)}
    # The bird at (8, 14) is within squared distance 16 of the hawk and steps away from it.
    assert _cells(world, "W") == set(_first_tick_birds(42, (9, 16)))
    assert _first_tick_birds(42, (9, 16)) != _first_tick_birds(42, None)
    assert (7, 13) in _cells(world, "W") or (7, 14) in _cells(world, "W") or \
        (7, 15) in _cells(world, "W")
    play(world, "click 3 3")  # another perch: the hawk moves there
    assert _cells(world, "R") == {(3, 3)} and _cells(world, "K") == {(9, 16), (16, 4)}
    play(world, "click 3 3")  # clicking the hawk sends it away
    assert _cells(world, "R") == set() and _cells(world, "K") == {(3, 3), (9, 16), (16, 4)}
    play(world, "click 10 12")  # a click on the sky does nothing to the hawk
    assert _cells(world, "R") == set()

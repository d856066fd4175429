"""Frame tests of platformer, invaders, waterplug, rain and snake (race has its own file).

Same style as tests/test_environments.py: the expected boards are derived by hand from the
rules in each program's header (tick order, occupancy = previous frame), not recorded.
Letters: ``.`` black, ``A`` gray, ``B`` blue, ``K`` brown, ``N`` orange, ``O`` gold,
``P`` purple, ``R`` red, ``G`` green, ``Y`` yellow, ``W`` white, ``L`` lightblue, ``V`` silver.
"""

from __future__ import annotations

from test_environments import board, count, expect, play, start

# --- platformer ------------------------------------------------------------------------------

PLATFORMER_START = expect("""
    ....................
    ....................
    ....................
    ....................
    ....................
    ....................
    ....................
    .................O..
    ...O...........AAAA.
    ..AAAAA.............
    ....................
    ............O.......
    .........BBB........
    ....................
    ....................
    .......O............
    .....AAAA...........
    ....................
    .R...O............P.
    KKKKKKKKKKKKKKKKKKKK
""")


def test_platformer_frame_zero():
    assert board(start("platformer")) == PLATFORMER_START


def test_platformer_jump_lands_on_the_platform_and_collects_a_coin():
    # t1-t2: right to (3,18). t3 up: (4,17); t4 the diagonal (5,16) is solid, straight up to
    # (4,16); t5 (5,15); t6 (6,14); t7 falls onto the platform at (6,15). The enemy walks
    # left from x 18 to x 11 by t7.
    world = play(start("platformer"), "right", "right", "up", noops=4)
    assert board(world, slice(14, 19)) == expect("""
        ....................
        ......RO............
        .....AAAA...........
        ....................
        .....O.....P........
    """)
    play(world, "right")  # t8: onto the coin; the enemy turned at x 11 and is at x 12
    assert board(world, slice(0, 1)) == "O..................."
    assert board(world, slice(14, 19)) == expect("""
        ....................
        .......R............
        .....AAAA...........
        ....................
        .....O......P.......
    """)


def test_platformer_bullet_chases_and_removes_the_enemy():
    # The click fires a bullet at (2,18) that flies right one cell per tick (over the coin); the
    # enemy turns at x 11 (t8) and at x 18 (t15). At the start of t16 the bullet (16) is beside
    # the enemy (17): both vanish.
    world = play(start("platformer"), "click 0 0", noops=14)
    assert board(world, slice(18, 19)) == ".R...O..........NP.."
    play(world, "noop")
    assert board(world, slice(18, 19)) == ".R...O.............."
    play(world, noops=20)
    assert board(world, slice(18, 19)) == ".R...O.............."


def test_platformer_touching_the_enemy_sends_the_hero_back_to_the_start():
    # Eleven rights: the hero reaches (12,18) at t11 (collecting the coin at x 5 on t4). The
    # enemy comes back from x 18 and steps onto the hero's cell at t20; at t21 the hero is back.
    world = play(start("platformer"), *["right"] * 11)
    assert board(world, slice(18, 19)) == "............R..P...."
    play(world, noops=9)
    assert board(world, slice(18, 19)) == "............P......."
    play(world, "noop")
    assert board(world, slice(18, 19)) == ".R.........P........"
    assert board(world, slice(0, 1)) == "O..................."


def test_platformer_facing_left_at_the_edge_fires_nothing():
    world = play(start("platformer"), "left", "click 5 5", "noop")
    assert board(world, slice(18, 19)) == "R....O.........P...."


# --- invaders --------------------------------------------------------------------------------


def cells(world, letter: str) -> set[tuple[int, int]]:
    """The (x, y) cells drawn with ``letter``."""
    return {(x, y) for y, line in enumerate(board(world).split("\n"))
            for x, ch in enumerate(line) if ch == letter}


def invaders_at(world, expected: set[tuple[int, int]]) -> bool:
    """Red cells are exactly ``expected``, except where a (random) orange bomb is drawn over."""
    red, bombs = cells(world, "R"), cells(world, "N")
    return red <= expected and expected - red <= bombs


def block(dx: int, dy: int, gone=()) -> set[tuple[int, int]]:
    return {(x + dx, y + dy) for x in (1, 3, 5, 7, 9) for y in (1, 3, 5)} - set(gone)


def test_invaders_frame_zero():
    assert board(start("invaders")) == expect("""
        ................
        .R.R.R.R.R......
        ................
        .R.R.R.R.R......
        ................
        .R.R.R.R.R......
        ................
        ................
        ................
        ................
        ................
        ................
        ................
        ................
        .......G........
        GGG.............
    """)


def test_invaders_march_every_second_tick_and_step_down_at_the_edge():
    world = start("invaders")
    play(world, "noop")  # tick 1 (clock was 0): shift right
    assert invaders_at(world, block(1, 0))
    play(world, "noop")  # tick 2: rest
    assert invaders_at(world, block(1, 0))
    play(world, noops=9)  # ticks 3..11: five more shifts, the right column reaches x 15
    assert invaders_at(world, block(6, 0))
    play(world, noops=2)  # tick 13: at the edge, so one row down and the direction turns
    assert invaders_at(world, block(6, 1))
    play(world, noops=2)  # tick 15: one cell left
    assert invaders_at(world, block(5, 1))


def test_invaders_ship_stops_at_the_edge_and_the_bullet_flies_up():
    world = play(start("invaders"), *["left"] * 8)  # seven steps from x 7, the eighth blocked
    assert board(world, slice(14, 15)) == "G..............."
    play(world, "up")  # tick 9: a bullet above the ship
    play(world, noops=7)  # tick 16: seven rows higher; no invader comes near column 0
    column = [line[0] for line in board(world).split("\n")]
    assert "".join(column) == "......Y.......GG"
    play(world, noops=7)  # tick 23: it left the grid after row 0
    assert cells(world, "Y") == set()


def test_invaders_bullet_destroys_the_invader_it_meets():
    # Fired at tick 1 from (7,13); at the start of tick 9 the bullet is at (7,6) and the
    # bottom-row invader that started at x 3 is on (7,5), just above it: both vanish, and the
    # block shifts right (its fifth shift) in the same tick.
    world = play(start("invaders"), "up", noops=7)
    assert invaders_at(world, block(4, 0))
    assert (7, 6) in cells(world, "Y") | cells(world, "N")
    play(world, "noop")
    assert invaders_at(world, block(5, 0, gone=[(8, 5)]))
    assert cells(world, "Y") == set()


# --- waterplug -------------------------------------------------------------------------------

WATERPLUG_START = expect("""
    ......ARA.......
    ................
    ....A.....A.....
    ....ABBBBBA.....
    ....ABBBBBA.....
    ....AAAKAAA.....
    ................
    ......A.....A...
    ......A.....A...
    ......A.....A...
    ......AAAKAAA...
    ................
    ...A.........A..
    ...A.........A..
    ...A.........A..
    AAAAAAAAKAAAAAAA
""")


def test_waterplug_frame_zero():
    assert board(start("waterplug")) == WATERPLUG_START


def test_waterplug_pulled_plug_lets_water_fall_through():
    world = play(start("waterplug"), "click 7 5")  # t1: the plug is gone, the water waits
    assert board(world, slice(3, 6)) == expect("""
        ....ABBBBBA.....
        ....ABBBBBA.....
        ....AAA.AAA.....
    """)
    play(world, "noop")  # t2: the drop above the opening falls into it
    assert board(world, slice(3, 7)) == expect("""
        ....ABBBBBA.....
        ....ABB.BBA.....
        ....AAABAAA.....
        ................
    """)
    play(world, "noop")  # t3: it falls on; the drop above refills row 4; the rest turn around
    assert board(world, slice(2, 8)) == expect("""
        ....A.....A.....
        ....ABB.BBA.....
        ....ABBBBBA.....
        ....AAA.AAA.....
        .......B........
        ......A.....A...
    """)


def test_waterplug_tap_pours_on_odd_ticks_and_drops_slide_right():
    world = play(start("waterplug"), "click 7 0")  # t1 (odd): on, and a drop below it
    assert board(world, slice(0, 3)) == expect("""
        ......AGA.......
        .......B........
        ....A.....A.....
    """)
    play(world, "noop", "noop")  # t2 it falls onto the water; t3 slides right, a new drop
    assert board(world, slice(0, 3)) == expect("""
        ......AGA.......
        .......B........
        ....A...B.A.....
    """)
    play(world, "noop")  # t4 (even): the new drop falls, the right-heading one waits
    assert board(world, slice(1, 3)) == "................\n....A..BB.A....."
    play(world, "click 7 0")  # t5: off, no drop; the left drop turns, the right one slides
    assert board(world, slice(0, 3)) == expect("""
        ......ARA.......
        ................
        ....A..B.BA.....
    """)


def test_waterplug_clicking_the_opening_puts_the_plug_back():
    world = play(start("waterplug"), "click 9 10")
    assert board(world, slice(10, 11)) == "......AAA.AAA..."
    play(world, "click 9 10")
    assert board(world) == WATERPLUG_START


# --- rain ------------------------------------------------------------------------------------
# New drops are random but appear on row 0, so at tick t every row >= t holds only the shower
# that is falling at the start (one drop per row, columns SHOWER).

SHOWER = [4, 3, 11, 7, 14, 1, 9, 5, 12, 2, 10, 6, 13, 8]


def test_rain_frame_zero():
    rows = ["".join("B" if x == SHOWER[y] else "." for x in range(16)) for y in range(14)]
    assert board(start("rain")) == "\n".join(rows + ["." * 16, "K" * 16])


def test_rain_wind_blows_the_shower_sideways():
    world = play(start("rain"), "right", "noop")  # wind 1: down one and right one per tick
    assert board(world, slice(2, 16)) == expect("""
        ......B.........
        .....B..........
        .............B..
        .........B......
        ................
        ...B............
        ...........B....
        .......B........
        ..............B.
        ....B...........
        ............B...
        ........B.......
        ...............B
        KKKKKKKKKKBKKKKK
    """)  # the drop from (14,4) left the grid; the one from (8,13) landed at x 10


def test_rain_wet_ground_stays_blue_for_six_ticks():
    # No wind: the shower lands column by column, one per tick from tick 2 (x 8, 13, 6, 10,
    # 2, 12, 5, ...).
    world = play(start("rain"), noops=7)
    assert board(world, slice(15, 16)) == "KKBKKKBKBKBKBBKK"
    play(world, "noop")  # tick 8: x 8 (wet since tick 2) dries, x 5 lands
    assert board(world, slice(15, 16)) == "KKBKKBBKKKBKBBKK"


def test_rain_roof_stops_drops_and_clicks_remove_it():
    world = play(start("rain"), "click 1 9", noops=3)  # the drop from (1,5) meets it at tick 4
    column = "".join(line[1] for line in board(world).split("\n"))
    assert column[4:] == ".....A.....K"
    play(world, noops=6)  # tick 10: that drop would have landed now
    assert board(world, slice(15, 16))[1] == "K"
    play(world, "click 1 9")
    assert board(world, slice(9, 10))[1] != "A"  # the roof is gone (a random drop may pass)


# --- snake -----------------------------------------------------------------------------------

SNAKE_START = expect("""
    ............
    ............
    ............
    ............
    ............
    ............
    .GGY.R......
    ............
    ............
    ............
    ............
    ............
""")


def test_snake_frame_zero():
    assert board(start("snake")) == SNAKE_START


def test_snake_moves_on_odd_ticks_and_grows_when_it_eats():
    world = play(start("snake"), "noop")
    assert board(world, slice(6, 7)) == "..GGYR......"
    play(world, "noop")
    assert board(world, slice(6, 7)) == "..GGYR......"
    play(world, "noop")  # tick 3: onto the food; the tail stays, the food jumps elsewhere
    row = board(world, slice(6, 7))
    assert row[:6] == "..GGGY"
    assert count(world, "G") == 3 and count(world, "Y") == 1 and count(world, "R") == 1


def test_snake_reverse_is_ignored():
    world = play(start("snake"), "left")  # straight back onto the neck: ignored, it goes right
    assert board(world, slice(6, 7)) == "..GGYR......"


def test_snake_hitting_the_wall_resets_it():
    world = play(start("snake"), "noop", "up")  # tick 2 turns it; it moves up on ticks 3, 5, ...
    play(world, "noop")
    assert board(world, slice(5, 7)) == "....Y.......\n...GGR......"
    play(world, noops=10)  # tick 13: the head on row 0
    assert [line[4] for line in board(world).split("\n")[:4]] == ["Y", "G", "G", "."]
    play(world, noops=2)  # tick 15: out of the grid, so back to the start (food untouched)
    assert board(world) == SNAKE_START

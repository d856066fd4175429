"""Frame tests of the environments sokoban, nim, life, crystal, tetris and pacman.

Same style as tests/test_environments.py: the expected boards were derived by hand from the
rules written at the top of each program (and autumn-language.md), not by recording the
interpreter. Ticks are counted from frame 0; the first action makes frame 1. Letters:
``.`` black, ``A`` gray, ``B`` blue, ``G`` green, ``N`` orange, ``O`` gold, ``P`` purple,
``R`` red, ``W`` white, ``Y`` yellow (worldtest.palette.LETTERS).
"""

from __future__ import annotations

from test_environments import board, count, expect, play, start

# --- sokoban -------------------------------------------------------------------------------

SOKOBAN_START = expect("""
    AAAAAAAAAP
    A........A
    A..N.....A
    A.....A.RA
    A.BN..A..A
    A..AAA...A
    A.....N..A
    A.R....R.A
    A........A
    AAAAAAAAAA
""")

# Box (6,6) onto target (7,7): round the wall, push right, then push down.
SOKOBAN_FIRST_BOX = ["down", "down", "right", "right", "right", "right", "up", "right", "down"]
# Box (3,4) onto target (2,7): push it left, then down three times.
SOKOBAN_SECOND_BOX = ["up"] * 4 + ["left", "left", "down", "down", "left", "left", "up", "left"] \
    + ["down"] * 3
# Box (3,2) onto target (8,3): push it right five times, then down once.
SOKOBAN_THIRD_BOX = ["up"] * 4 + ["right"] * 5 + ["up", "right", "down"]


def test_sokoban_frame_zero():
    assert board(start("sokoban")) == SOKOBAN_START


def test_sokoban_walls_stop_the_player_and_a_box_against_a_wall_stops_the_push():
    world = play(start("sokoban"), "left", "left")  # the second left hits the wall
    assert board(world, slice(4, 5)) == "AB.N..A..A"
    world = play(start("sokoban"), "right", "right")  # two pushes: the box reaches (5,4)
    assert board(world, slice(4, 5)) == "A...BNA..A"
    play(world, "right")  # the wall at (6,4) is beyond the box: nothing moves
    assert board(world, slice(4, 5)) == "A...BNA..A"


def test_sokoban_a_box_cannot_be_pushed_into_another_box():
    world = play(start("sokoban"), "up", "up", "up", "right", "down")  # box (3,2) -> (3,3)
    assert board(world, slice(1, 5)) == expect("""
        A........A
        A..B.....A
        A..N..A.RA
        A..N..A..A
    """)
    play(world, "down")  # beyond the box is the other box
    assert board(world, slice(1, 5)) == expect("""
        A........A
        A..B.....A
        A..N..A.RA
        A..N..A..A
    """)


def test_sokoban_a_box_on_a_target_turns_green_and_back_when_it_leaves():
    world = play(start("sokoban"), *SOKOBAN_FIRST_BOX[:-1])
    assert board(world, slice(5, 8)) == expect("""
        A..AAA.B.A
        A......N.A
        A.R....R.A
    """)
    play(world, "down")
    assert board(world, slice(5, 9)) == expect("""
        A..AAA...A
        A......B.A
        A.R....G.A
        A........A
    """)
    play(world, "down", "left")  # pushed off the target: orange again, the target shows
    assert board(world, slice(6, 9)) == expect("""
        A........A
        A.R...BR.A
        A......N.A
    """)


def test_sokoban_solving_freezes_the_gold_player_and_reset_restores_the_level():
    world = play(start("sokoban"), *SOKOBAN_FIRST_BOX, *SOKOBAN_SECOND_BOX, *SOKOBAN_THIRD_BOX)
    solved = expect("""
        AAAAAAAAAP
        A........A
        A.......OA
        A.....A.GA
        A.....A..A
        A..AAA...A
        A........A
        A.G....G.A
        A........A
        AAAAAAAAAA
    """)
    assert board(world) == solved
    play(world, "left", "down", "click 4 4")  # arrows and stray clicks do nothing now
    assert board(world) == solved
    play(world, "click 9 0")
    assert board(world) == SOKOBAN_START
    play(world, "right")  # playable again
    assert board(world, slice(4, 5)) == "A..BN.A..A"


# --- nim -----------------------------------------------------------------------------------

NIM_START = expect("""
    B.......
    ........
    Y.......
    YYY.....
    YYYYY...
    YYYYYYY.
    ........
    .......P
""")


def test_nim_frame_zero():
    assert board(start("nim")) == NIM_START


def test_nim_a_click_takes_the_token_and_its_right_then_the_opponent_thins_the_longest_row():
    world = play(start("nim"), "click 3 5")  # row 5 keeps x 0-2; the opponent's turn
    assert board(world) == expect("""
        R.......
        ........
        Y.......
        YYY.....
        YYYYY...
        YYY.....
        ........
        .......P
    """)
    play(world, "click 0 3")  # the opponent moves (row 4 is longest); this click is ignored
    assert board(world) == expect("""
        B.......
        ........
        Y.......
        YYY.....
        YYYY....
        YYY.....
        ........
        .......P
    """)
    play(world, "click 0 3")  # now it counts: the whole of row 3
    assert board(world, slice(0, 6)) == expect("""
        R.......
        ........
        Y.......
        ........
        YYYY....
        YYY.....
    """)


def test_nim_the_opponent_takes_from_the_upper_of_equally_long_rows():
    world = play(start("nim"), "click 3 5", "noop", "click 3 4")  # rows 1, 3, 3, 3
    play(world, "noop")
    assert board(world, slice(0, 6)) == expect("""
        B.......
        ........
        Y.......
        YY......
        YYY.....
        YYY.....
    """)


def test_nim_taking_the_last_token_wins_and_restart_restores():
    world = play(start("nim"), "click 0 5", "noop", "click 0 4", "noop", "click 1 3", "noop")
    # rows 1, 1, 0, 0 after the click; the opponent took the upper one
    assert board(world, slice(0, 4)) == "B.......\n........\n........\nY......."
    play(world, "click 0 3")
    won = expect("""
        BBBBBBBB
        ........
        ........
        ........
        ........
        ........
        ........
        .......P
    """)
    assert board(world) == won
    play(world, "noop", "noop")
    assert board(world) == won
    play(world, "click 7 7")
    assert board(world) == NIM_START


def test_nim_the_opponent_can_take_the_last_token():
    world = play(start("nim"), "click 0 5", "noop", "click 0 4", "noop", "click 0 3")
    assert board(world, slice(0, 3)) == "R.......\n........\nY......."
    play(world, "noop")
    assert board(world, slice(0, 3)) == "RRRRRRRR\n........\n........"
    assert count(world, "Y") == 0


# --- life ----------------------------------------------------------------------------------

LIFE_START = expect("""
    GG..............
    ................
    ................
    ..Y.............
    ...Y............
    .YYY............
    ................
    ................
    ................
    ...........YYY..
    ................
    ................
    ................
    ................
    ................
    ................
""")

# One generation later: the glider's next phase, the blinker turned vertical.
LIFE_GEN1 = expect("""
    GG..............
    ................
    ................
    ................
    .Y.Y............
    ..YY............
    ..Y.............
    ................
    ............Y...
    ............Y...
    ............Y...
    ................
    ................
    ................
    ................
    ................
""")


def test_life_frame_zero():
    assert board(start("life")) == LIFE_START


def test_life_a_generation_on_every_even_tick():
    world = play(start("life"), "noop")  # tick 1: no generation
    assert board(world) == LIFE_START
    play(world, "noop")  # tick 2
    assert board(world) == LIFE_GEN1
    play(world, "noop")
    assert board(world) == LIFE_GEN1
    play(world, "noop")  # tick 4: the glider's third phase, the blinker back to horizontal
    assert board(world, slice(3, 11)) == expect("""
        ................
        ...Y............
        .Y.Y............
        ..YY............
        ................
        ................
        ...........YYY..
        ................
    """)


def test_life_the_button_pauses_and_resumes():
    world = play(start("life"), "click 0 0", "noop", "noop")  # paused: red, tick 2 skipped
    assert board(world) == LIFE_START.replace("GG", "RR", 1)
    play(world, "click 1 0")  # tick 4: running again, and this tick steps
    assert board(world) == LIFE_GEN1


def test_life_clicks_toggle_cells_and_skip_that_ticks_generation():
    world = play(start("life"), "noop", "click 5 10", "click 2 3")  # ticks 2 and 3
    assert board(world, slice(3, 11)) == expect("""
        ................
        ...Y............
        .YYY............
        ................
        ................
        ................
        ...........YYY..
        .....Y..........
    """)
    play(world, "noop")  # tick 4: the lone cell and (1,5) die (0 and 1 neighbours), (3,4),
    # (2,5), (3,5) survive (2, 3, 2), (2,6) is born (3); (2,4) has 4 and stays dead
    assert board(world, slice(3, 11)) == expect("""
        ................
        ...Y............
        ..YY............
        ..Y.............
        ................
        ............Y...
        ............Y...
        ............Y...
    """)


def test_life_down_slows_to_every_fourth_tick_and_up_restores():
    world = play(start("life"), "down", "noop", "noop")  # ticks 1-3: nothing
    assert board(world) == LIFE_START
    play(world, "noop")  # tick 4
    assert board(world) == LIFE_GEN1
    play(world, "up")  # tick 5: odd, nothing
    assert board(world) == LIFE_GEN1
    play(world, "noop")  # tick 6
    assert board(world, slice(9, 10)) == "...........YYY.."


# --- crystal -------------------------------------------------------------------------------
# Seed 42's generator states are 2027382, 1226992363, 549342533, 185324939, 1550736550,
# 766486715 (autumn-language.md section 6), so draw(4) gives 2, 3, 1, 3, 2, 3 and draw(1) 0.

CRYSTAL_START = "\n".join("." * 10 + "W" + "." * 9 if y == 10 else "." * 20 for y in range(20))


def cells_of(world, letter):
    rows = board(world).split("\n")
    return {(x, y) for y, row in enumerate(rows) for x, c in enumerate(row) if c == letter}


def test_crystal_frame_zero():
    assert board(start("crystal")) == CRYSTAL_START


def test_crystal_grows_by_chance_at_a_random_free_neighbour():
    # Temperature 1: grow iff draw(4) < 2. Ticks 1, 2 draw 2, 3: no growth. Tick 3 draws 1:
    # grow; the only grain is chosen (draw(1)), then neighbour index 2 of left, right, up,
    # down: (10,9). Tick 4 draws 3: no growth.
    world = play(start("crystal", seed=42), "noop", "noop")
    assert board(world) == CRYSTAL_START
    play(world, "noop")
    assert cells_of(world, "W") == {(10, 10), (10, 9)}
    play(world, "noop")
    assert cells_of(world, "W") == {(10, 10), (10, 9)}


def test_crystal_hot_temperature_stops_growth():
    # Tick 1 (temperature 2): grow iff draw(4) < 1, and it draws 2. From tick 2 on: never.
    world = play(start("crystal", seed=42), "up", "up", noops=30)
    assert board(world) == CRYSTAL_START


def test_crystal_clicks_shatter_plant_and_colour_seeds():
    # Tick 1: right (cyan); its growth draw is 2 (no growth). Clicks draw nothing.
    world = play(start("crystal", seed=42), "right", "click 10 10", "click 3 4")
    assert cells_of(world, "C") == {(3, 4)}
    assert count(world, ".") == 399
    # Ticks 4, 5: left, left (back past white to pink). Tick 4 draws 3 (no growth); tick 5
    # draws 1 (grow, in pink), then draw(1) for the grain and 2 for the neighbour: up, (3,3).
    play(world, "left", "left", "click 0 0")
    assert cells_of(world, "I") == {(0, 0), (3, 3)}
    assert cells_of(world, "C") == {(3, 4)}


def test_crystal_a_seventh_seed_melts_the_oldest():
    world = play(start("crystal", seed=42), *[f"click {i} {i}" for i in range(1, 6)])
    assert cells_of(world, "W") == {(10, 10)} | {(i, i) for i in range(1, 6)}
    play(world, "click 6 6")
    assert cells_of(world, "W") == {(i, i) for i in range(1, 7)}


def test_crystal_size_and_count_caps_hold_under_random_play():
    import numpy as np
    rng = np.random.default_rng(7)
    world = play(start("crystal", seed=3), "down")
    for _ in range(300):
        r = rng.random()
        if r < 0.1:
            world.step(("click", int(rng.integers(20)), int(rng.integers(20))))
        else:
            world.step(None)
        sizes = world.evaluate("(map (--> cr (length (.. cr grains))) crystals)")
        assert len(sizes) <= 6 and all(1 <= s <= 12 for s in sizes)
        assert count(world, ".") >= 400 - sum(sizes)


# --- tetris --------------------------------------------------------------------------------
# Seed 42: draw(4) gives 2, 3, 1, 3, 2, ... so the pieces come T, L, O, L, T (kinds I 0, O 1,
# T 2, L 3). A piece on the floor settles at its 11th fall attempt: the k-th piece (each
# dropped straight onto the floor) settles at tick 22k, in the tick the next one appears.


def tetris_rows(world, top, bottom):
    return board(world, slice(top, bottom))


def test_tetris_frame_zero_and_the_fall_on_even_ticks():
    world = start("tetris", seed=42)
    assert board(world) == "\n".join([".....P......", "....PPP....."] + ["." * 12] * 10)
    play(world, "noop")  # tick 1: no fall
    assert tetris_rows(world, 0, 2) == ".....P......\n....PPP....."
    play(world, "noop")  # tick 2: one row down
    assert tetris_rows(world, 0, 3) == "............\n.....P......\n....PPP....."


def test_tetris_arrows_shift_turn_and_stop_at_the_walls():
    world = play(start("tetris", seed=42), "up")  # a quarter turn clockwise
    assert tetris_rows(world, 0, 3) == ".....P......\n.....PP.....\n.....P......"
    world = play(start("tetris", seed=42), "left", "left", "left", "left", "left")
    # the fifth left would leave the grid; falls at ticks 2 and 4
    assert tetris_rows(world, 1, 4) == "............\n.P..........\nPPP........."
    play(world, "down")  # tick 6: down and the fall
    assert tetris_rows(world, 3, 6) == "............\n.P..........\nPPP........."


def test_tetris_a_piece_settles_on_the_floor_and_the_next_appears():
    world = play(start("tetris", seed=42), noops=21)
    assert tetris_rows(world, 0, 2) == "............\n............"
    assert tetris_rows(world, 10, 12) == ".....P......\n....PPP....."
    play(world, "noop")  # tick 22: settles; the next piece is an L
    assert tetris_rows(world, 0, 2) == "......N.....\n....NNN....."
    assert tetris_rows(world, 10, 12) == ".....P......\n....PPP....."
    assert world.evaluate("(length blocks)") == 4


def test_tetris_a_full_row_clears_and_the_rest_moves_down():
    plan = (["left"] * 4 + ["noop"] * 18          # T on columns 0-2, settles at tick 22
            + ["left"] + ["noop"] * 21            # L on columns 3-5, tick 44
            + ["right"] + ["noop"] * 21           # O on columns 6-7, tick 66
            + ["right"] * 5 + ["noop"] * 17       # L on columns 9-11, tick 88
            + ["up"] + ["right"] * 3 + ["noop"] * 15)  # a turned T, column 8; tick 107
    world = play(start("tetris", seed=42), *plan)
    assert tetris_rows(world, 9, 12) == expect("""
        ........P...
        .P...NYYPP.N
        PPPNNNYYPNNN
    """)
    play(world, "noop")  # tick 108: it settles, the bottom row is full and clears
    assert tetris_rows(world, 9, 12) == expect("""
        ............
        ........P...
        .P...NYYPP.N
    """)
    assert world.evaluate("(length blocks)") == 8


# --- pacman --------------------------------------------------------------------------------
# Extra letters: I pink, L lightblue.

PACMAN_START = expect("""
    N.W.W.W.W.W.W.WN
    ...............W
    W.BBB.BBBB.BBB..
    ..B..........B.W
    W.B.BB....BB.B..
    ....B......B...W
    W.B.B......B.B..
    .......R.......W
    W.......I.......
    ..B.B......B.B.W
    W...B......B....
    ..B.BB....BB.B.W
    W.B....Y.....B..
    ..BBB.BBBB.BBB.W
    W...............
    NW.W.W.W.W.W.W.N
""")


def test_pacman_frame_zero():
    assert board(start("pacman")) == PACMAN_START


def test_pacman_walls_block_the_player():
    world = play(start("pacman", seed=42), "down", "left")  # (7,13) is a wall
    assert board(world, slice(12, 13)) == "W.B...Y......B.."
    play(world, "left", "left", "left")  # the third left hits the wall at (2,12)
    assert board(world, slice(12, 13)) == "W.BY.........B.."


def test_pacman_ghosts_step_on_every_fourth_tick_never_turning_back():
    # Tick 4, seed 42. Red (7,7) heading left: ways left, up, down; draw(3) of 2027382 is 0:
    # left. Pink (8,8) heading right: ways right, up, down; draw(3) of 1226992363 is 1: up.
    world = play(start("pacman", seed=42), noops=3)
    assert board(world) == PACMAN_START
    play(world, "noop")
    assert board(world, slice(6, 9)) == expect("""
        W.B.B......B.B..
        ......R.I......W
        W...............
    """)


def test_pacman_power_pellet_turns_the_ghosts_lightblue_for_40_ticks():
    path = ["left", "left", "down", "down"] + ["left"] * 5 + ["down"]  # (0,15) at tick 10
    world = play(start("pacman", seed=42), *path)
    assert board(world, slice(14, 16)) == "................\nYW.W.W.W.W.W.W.N"
    assert count(world, "L") == 2 and count(world, "R") == 0 and count(world, "I") == 0
    assert count(world, "N") == 3 and count(world, "W") == 27
    play(world, noops=40)  # tick 50: the timer is still running at the rules
    assert count(world, "L") == 2
    play(world, "noop")
    assert count(world, "L") == 0 and count(world, "R") == 1 and count(world, "I") == 1

"""Frame tests of lock, chomp, pegs, ricochet and gates (balloon and flock: their own file).

Same style as tests/test_environments.py: boards use the letters of worldtest.palette.LETTERS
(``.`` black, ``A`` gray, ``K`` brown, ``R`` red, ``Y`` yellow, ``B`` blue, ``d`` darkgray,
``W`` white, ``G`` green, ``O`` gold, ...). Every expected board is derived by hand from the
rules in the program's header comment. Ticks count from frame 0: the first action makes frame 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_environments import board, count, expect, play, start  # noqa: E402


# --- lock ----------------------------------------------------------------------------------

LOCK_START = expect("""
    .AAA.
    .A.A.
    KRRRK
    KdddK
    KKWKK
""")


def test_lock_frame_zero():
    assert board(start("lock")) == LOCK_START


def test_lock_dials_cycle_red_yellow_blue():
    world = play(start("lock"), "click 1 2")
    assert board(world, slice(2, 3)) == "KYRRK"
    play(world, "click 1 2", "click 3 2")
    assert board(world, slice(2, 3)) == "KBRYK"
    play(world, "click 3 2", "click 3 2")  # yellow -> blue -> red
    assert board(world, slice(2, 3)) == "KBRRK"


def test_lock_wrong_try_flashes_shows_hints_and_resets_dials():
    # Dials yellow, red, red against the code blue, red, yellow: only the middle one is right.
    world = play(start("lock"), "click 1 2", "click 2 4")
    assert board(world) == expect("""
        .AAA.
        .A.A.
        KRRRK
        KdGdK
        KKRKK
    """)
    play(world, "noop")  # the flash lasts one tick; the hints stay
    assert board(world, slice(3, 5)) == "KdGdK\nKKWKK"


def test_lock_right_code_opens_and_try_again_shuts():
    world = play(start("lock"), "click 1 2", "click 1 2", "click 3 2", "click 2 4")
    assert board(world) == expect("""
        .OOO.
        .O...
        KBRYK
        KGGGK
        KKWKK
    """)
    play(world, "noop", "click 2 4")
    assert board(world) == LOCK_START


# --- chomp ---------------------------------------------------------------------------------

CHOMP_START = expect("""
    .....A
    GKKKK.
    KKKKK.
    KKKKK.
    KKKKK.
    KKKKKW
""")


def test_chomp_frame_zero():
    assert board(start("chomp")) == CHOMP_START


def test_chomp_bite_reply_and_ignored_click_on_the_opponents_turn():
    world = play(start("chomp"), "click 1 2")  # eats x >= 1, y >= 2; lamp orange; tally 1
    assert board(world) == expect("""
        .....N
        GKKKKV
        K.....
        K.....
        K.....
        K....W
    """)
    # The opponent's tick: this click is ignored; it eats the rightmost top square (4,1).
    play(world, "click 0 4")
    assert board(world) == expect("""
        .....A
        GKKK.V
        K.....
        K.....
        K.....
        K....W
    """)
    play(world, "click 0 4")  # your turn again: rows 4 and 5 of column 0 go
    assert board(world) == expect("""
        .....N
        GKKK.V
        K....V
        K.....
        ......
        .....W
    """)


def test_chomp_eating_the_poison_loses_and_restart_restores():
    world = play(start("chomp"), "click 0 1")
    assert board(world) == expect("""
        .....R
        ......
        ......
        ......
        ......
        .....W
    """)
    play(world, "click 3 3", "noop")  # the game is over: nothing happens
    assert count(world, "K") == 0 and count(world, "R") == 1
    play(world, "click 5 5")
    assert board(world) == CHOMP_START


def test_chomp_opponent_eats_the_left_column_from_the_bottom_then_the_poison():
    world = play(start("chomp"), "click 1 1", "noop")  # only column 0 left; it takes (0,5)
    assert board(world, slice(1, 6)) == expect("""
        G....V
        K.....
        K.....
        K.....
        .....W
    """)
    play(world, "click 0 2", "noop")  # the bar is gone: the opponent must eat the poison
    assert board(world) == expect("""
        .....G
        .....V
        .....V
        ......
        ......
        .....W
    """)


# --- pegs ----------------------------------------------------------------------------------

PEGS_START = expect("""
    ..BdB..
    ..BdB..
    dBBdBBd
    dBBdBBd
    dBBdBBd
    ..BdB..
    ..BdB..
""")


def test_pegs_frame_zero():
    assert board(start("pegs")) == PEGS_START


def test_pegs_click_jump_keeps_the_jumper_selected_and_arrows_jump():
    world = play(start("pegs"), "click 1 2")
    assert board(world, slice(2, 3)) == "dYBdBBd"
    play(world, "click 3 2")  # over (2,2) into (3,2); (2,2) is removed
    assert board(world, slice(2, 3)) == "dddYBBd"
    play(world, "right", "left", "down", "up")  # all illegal from (3,2): nothing happens
    assert board(world, slice(1, 4)) == "..BdB..\ndddYBBd\ndBBdBBd"
    play(world, "click 4 2", "left")  # select (4,2), jump left over (3,2) into (2,2)
    assert board(world) == expect("""
        ..BdB..
        ..BdB..
        ddYddBd
        dBBdBBd
        dBBdBBd
        ..BdB..
        ..BdB..
    """)


def test_pegs_invalid_clicks_deselect_and_arrows_need_a_selection():
    world = play(start("pegs"), "left", "right", "click 2 0", "click 0 0")  # off the board
    assert board(world) == PEGS_START
    play(world, "click 2 0", "click 2 0")  # clicking the selected peg again
    assert board(world) == PEGS_START
    play(world, "click 4 4", "click 3 3")  # diagonal: not a jump
    assert board(world) == PEGS_START
    play(world, "click 5 3", "click 3 3")  # two to the left over (4,3)
    assert board(world, slice(2, 5)) == "dBBdBBd\ndBBYddd\ndBBdBBd"


# --- ricochet ------------------------------------------------------------------------------

RICOCHET_START = expect("""
    .........A......
    ..............B.
    ...Ar...........
    ...AA...........
    ...........bA...
    ...........AA...
    ................
    A......AA.......
    .......AA.......
    ...............A
    ................
    ...AA......AA...
    ...AD.......A...
    ................
    .I............G.
    ......A.........
""")


def test_ricochet_frame_zero():
    assert board(start("ricochet")) == RICOCHET_START


def test_ricochet_slides_one_cell_per_tick_until_a_robot_blocks_and_ignores_arrows_meanwhile():
    world = play(start("ricochet"), "right")  # red (selected) takes its first step at once
    assert board(world, slice(14, 15)) == "..I...........G."
    play(world, "up", noops=10)  # up is ignored while sliding; tick 12: next to green
    assert board(world, slice(14, 15)) == ".............IG."
    play(world, "up")  # tick 13: still sliding when the rule runs, so ignored; it stops
    assert board(world, slice(13, 15)) == "................\n.............IG."
    play(world, "up")  # at rest now: launched up
    assert board(world, slice(13, 15)) == ".............I..\n..............G."
    play(world, noops=13)  # column 13 is clear: 13 more steps to the top row
    assert board(world, slice(0, 1)) == ".........A...I.."


def test_ricochet_clicking_selects_and_walls_stop():
    world = play(start("ricochet"), "click 14 14")  # green selected, red back to its dark shade
    assert board(world, slice(14, 15)) == ".R............g."
    play(world, "down", "left")  # green to the bottom row; left is ignored (still sliding)
    play(world, "left", noops=6)  # row 15: the wall at (6,15) stops it at (7,15)
    assert board(world, slice(15, 16)) == "......Ag........"


def test_ricochet_target_lights_once_its_robot_rests_on_it():
    world = play(start("ricochet"), "click 14 14", "right", "click 1 14", "right", noops=13)
    assert board(world, slice(14, 15)) == "..............IG"
    play(world, "up", noops=12)  # column 14 up to below blue
    assert board(world, slice(1, 3)) == "..............B.\n...Ar.........I."
    play(world, "left", noops=9)  # row 2 left until the wall at (3,2): on the red target
    assert board(world, slice(2, 3)) == "...AI..........."
    play(world, "noop", "noop")  # stops, then the target lights (hidden under the robot)
    assert world.evaluate("(.. (head targets) lit)") is True
    play(world, "right")  # leaving shows the gold target, and it stays lit
    assert board(world, slice(2, 3)) == "...AOI.........."


# --- gates ---------------------------------------------------------------------------------

GATES_START = expect("""
    ................
    ................
    ..W...B........d
    ..W...B.........
    ................
    ..W...P........d
    ..W...P.........
    ................
    ..W...F........d
    ..W...F.........
    ................
    ..W...N........d
    ................
    ................
    ................
    ................
""")


def test_gates_frame_zero():
    assert board(start("gates")) == GATES_START


def test_gates_not_signal_runs_to_its_lamp_one_cell_per_tick():
    world = play(start("gates"), noops=3)
    assert board(world, slice(11, 12)) == "..W...NYYY.....d"
    play(world, noops=4)  # tick 7: the signal is in the last wire cell but one
    assert board(world, slice(11, 12)) == "..W...NYYYYYYY.d"
    play(world, "noop")  # tick 8: last cell lit, and the lamp with it
    assert board(world, slice(11, 12)) == "..W...NYYYYYYYYO"


def test_gates_blue_gate_needs_both_inputs():
    world = play(start("gates"), "click 2 2")
    assert board(world, slice(2, 4)) == "..YY..B........d\n..W...B........."
    play(world, "noop", "noop")  # the end of wire 1 is lit, wire 2 is dark: nothing passes
    assert board(world, slice(2, 4)) == "..YYYYB........d\n..W...B........."
    play(world, "click 2 3", "noop", "noop")  # both ends lit at tick 6
    assert board(world, slice(2, 4)) == "..YYYYBY.......d\n..YYYYB........."
    play(world, noops=7)
    assert board(world, slice(2, 3)) == "..YYYYBYYYYYYYYO"


def test_gates_purple_gate_passes_one_input_as_a_pulse():
    world = play(start("gates"), "click 2 6", "noop", "noop")
    assert board(world, slice(5, 7)) == "..W...PY.......d\n..YYYYP........."
    play(world, "click 2 6")  # off again: the dark cell follows the lit ones
    assert board(world, slice(5, 7)) == "..W...PYY......d\n..W.YYP........."
    play(world, "noop", "noop")
    assert board(world, slice(5, 7)) == "..W...P.YYY....d\n..W...P........."

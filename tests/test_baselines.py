"""Similarity-only MFP baselines, rule perturbations and breadth-first layers (issue 3's
distractor and difficulty tooling), on hand-made frames and a tiny program."""

from __future__ import annotations

import numpy as np
import pytest

from worldtest.autumn import compile_program
from worldtest.errors import WorldtestError
from worldtest.search import bfs_layers
from worldtest.tasks.baselines import (border_similarity, expected_score,
                                       persistence_similarity)
from worldtest.authoring.derive import perturbation_sites, perturbed_program, replay

# A 4x4 frame: column 0 is colour 5, the rest colour 1; the mask is the 2x2 block at (1, 1).
FRAME = np.array([[5, 1, 1, 1],
                  [5, 9, 9, 1],
                  [5, 9, 9, 1],
                  [5, 1, 1, 1]], dtype=np.uint8)
RECT = (1, 1, 2, 2)


def test_border_similarity_counts_edge_pairs_with_unmasked_neighbours():
    # Each of the 4 option cells has 2 neighbours outside the mask: 8 pairs in all.
    all_one = np.ones((2, 2), dtype=np.uint8)
    # Left column's left neighbours are colour 5 (2 pairs differ); the other 6 pairs agree.
    assert border_similarity(FRAME, RECT, all_one) == 6
    left_five = np.array([[5, 1], [5, 1]], dtype=np.uint8)
    assert border_similarity(FRAME, RECT, left_five) == 6 + 2 - 2  # left agree, top/bottom not
    assert border_similarity(FRAME, RECT, np.full((2, 2), 7, dtype=np.uint8)) == 0


def test_border_similarity_ignores_neighbours_off_the_grid():
    corner = (0, 0, 2, 2)
    patch = np.array([[5, 1], [5, 9]], dtype=np.uint8)
    # Outside neighbours: (2,0)=1 for cell (1,0); (2,1)=9 for (1,1); (0,2)=5 for (0,1);
    # (1,2)=9 for (1,1).
    assert border_similarity(FRAME, corner, patch) == 4


def test_persistence_similarity_compares_with_the_last_unmasked_frame():
    before = FRAME.copy()
    assert persistence_similarity(before, RECT, np.full((2, 2), 9, dtype=np.uint8)) == 4
    assert persistence_similarity(before, RECT, np.array([[9, 1], [1, 1]], np.uint8)) == 1


@pytest.mark.parametrize("sims, answer, expected", [
    ([3, 1, 1, 1, 1, 1], 0, 1.0),      # the truth alone is most similar
    ([3, 3, 1, 1, 1, 1], 0, 0.5),      # tied with one distractor
    ([3, 3, 3, 1, 1, 1], 5, 0.0),      # the truth is not among the best
    ([2, 2, 2, 2, 2, 2], 4, 1 / 6),    # all tied: chance
])
def test_expected_score_breaks_ties_uniformly(sims, answer, expected):
    assert expected_score(sims, answer) == pytest.approx(expected)


PROGRAM = """(program
  (= GRID_SIZE 5)
  (= FRAME_RATE 8)
  (object Dot (Cell 0 0 "red"))
  (: dot Dot)
  (= dot (initnext (Dot (Position 0 0)) (prev dot)))
  (on (& right (< (.. (.. dot origin) x) 4)) (= dot (move dot (Position 1 0))))
  (on (& down (< (.. (.. dot origin) y) 3)) (= dot (move dot (Position 0 2))))
)
"""


def test_perturbation_sites_skip_the_configuration_values():
    program = compile_program(PROGRAM, "dot.sexp")
    sites = perturbation_sites(program)
    texts = [(line, text) for line, _, text in sites]
    assert (2, "5") not in texts and (3, "8") not in texts
    assert texts == [(4, "0"), (4, "0"), (6, "0"), (6, "0"), (7, "4"), (7, "1"), (7, "0"),
                     (8, "3"), (8, "0"), (8, "2")]


def test_perturbed_program_changes_one_literal_and_its_frames():
    program = compile_program(PROGRAM, "dot.sexp")
    line, col, was = perturbation_sites(program)[-1]          # the 2 of "down"
    changed = perturbed_program(program, line, col, was, "1")
    assert "(Position 0 1)" in changed.source.text.splitlines()[7]
    assert changed.source.text.count("\n") == program.source.text.count("\n")
    a = replay(program, 1, ["down"])[-1]
    b = replay(changed, 1, ["down"])[-1]
    assert a[2, 0] != a[0, 0] and b[1, 0] == a[2, 0]  # the dot lands one row higher


def test_perturbed_program_refuses_a_literal_that_is_not_there():
    program = compile_program(PROGRAM, "dot.sexp")
    with pytest.raises(WorldtestError, match=r"dot.sexp:8:\d+: expected the literal '3'"):
        line, col, _ = perturbation_sites(program)[-1]
        perturbed_program(program, line, col, "3", "4")


def test_bfs_layers_give_exact_shortest_distances():
    # right moves 1 up to x 4, down moves 2 while y < 3: the dot's reachable cells are x in
    # 0..4, y in {0, 2, 4}; clicks do nothing. Distance of (x, y) = x + y / 2.
    program = compile_program(PROGRAM, "dot.sexp")
    layers, complete = bfs_layers(program.start(1), max_nodes=1000)
    assert complete == len(layers) - 1 == 6
    assert [len(layer) for layer in layers] == [1, 2, 3, 3, 3, 2, 1]
    for d, layer in enumerate(layers):
        for world, plan in layer:
            assert len(plan) == d
            (x, y), = [(cx, cy) for cx, cy, c in world.cells if c == "red"]
            assert x + y // 2 == d


def test_bfs_layers_stop_at_the_budget_with_the_last_full_layer_complete():
    program = compile_program(PROGRAM, "dot.sexp")
    layers, complete = bfs_layers(program.start(1), max_nodes=4)
    assert complete == 1 and [len(layer) for layer in layers[:2]] == [1, 2]

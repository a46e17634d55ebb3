"""Schulze: published examples and hand-checked cases (src/councils/counting/methods/schulze.py)."""

from __future__ import annotations

import itertools
import random

import numpy as np

from councils.counting import Profile
from councils.counting.methods.schulze import count_schulze, pairwise, strongest_paths

ABCDE = ["A", "B", "C", "D", "E"]


def _wikipedia_45() -> Profile:
    # The 45-voter example of Wikipedia's "Schulze method" article.
    groups = [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ]
    return Profile.from_ballots(
        ABCDE, [list(order) for _, order in groups], weights=[w for w, _ in groups]
    )


def test_wikipedia_45_voter_example_pairwise_and_paths() -> None:
    p = _wikipedia_45()
    d = pairwise(p.effective())
    assert d.tolist() == [
        [0, 20, 26, 30, 22],
        [25, 0, 16, 33, 18],
        [19, 29, 0, 17, 24],
        [15, 12, 28, 0, 14],
        [23, 27, 21, 31, 0],
    ]
    assert strongest_paths(d).tolist() == [
        [0, 28, 28, 30, 24],
        [25, 0, 28, 33, 24],
        [25, 29, 0, 29, 24],
        [25, 28, 28, 0, 24],
        [25, 28, 28, 31, 0],
    ]


def test_wikipedia_45_voter_example_ranks_e_a_c_b_d() -> None:
    result = count_schulze(_wikipedia_45(), 1)
    assert result.elected_names == ["E"]
    assert result.ranking is not None
    assert [ABCDE[c] for c in result.ranking] == ["E", "A", "C", "B", "D"]
    # Several seats: the top of the same ranking.
    assert count_schulze(_wikipedia_45(), 3).elected_names == ["E", "A", "C"]


def test_a_condorcet_winner_wins() -> None:
    ballots = [["a", "b", "c"]] * 4 + [["b", "c", "a"]] * 3 + [["c", "a", "b"]] * 2
    # a beats b 6-3, c beats a 5-4, b beats c 7-2: a cycle. Paths: a->b 6; a->c via b min(6,7)=6;
    # b->c 7; b->a via c min(7,5)=5; c->a 5; c->b via a min(5,6)=5. a beats b (6>5), a beats c
    # (6>5), b beats c (7>5): ranking a, b, c.
    result = count_schulze(Profile.from_ballots(["a", "b", "c"], ballots), 1)
    assert result.ranking == (0, 1, 2)


def test_equal_ranks_count_for_neither_side_and_unranked_rank_last() -> None:
    # Ballot 1 ranks a = b above c; ballot 2 names only c. a vs b: 0 to 0 (tied);
    # a vs c and b vs c: 1 to 1. Nobody beats anybody: the whole ranking is drawn by lot.
    p = Profile.from_ballots(["a", "b", "c"], [[{"a", "b"}, "c"], ["c"]])
    d = pairwise(p.effective())
    assert d.tolist() == [[0, 0, 1], [0, 0, 1], [1, 1, 0]]
    result = count_schulze(p, 1)
    assert any("by lot" in note for note in result.rounds[1].notes)
    # One more ballot for c over a = b settles it: c first, then a and b by lot.
    p2 = Profile.from_ballots(["a", "b", "c"], [[{"a", "b"}, "c"], ["c"], ["c"]])
    assert count_schulze(p2, 1).elected_names == ["c"]


def test_withdrawn_candidates_are_left_out_of_the_ranking() -> None:
    p = Profile.from_ballots(["a", "b", "c"], [["a", "b", "c"]] * 3, withdrawn=["a"])
    result = count_schulze(p, 2)
    assert result.ranking == (1, 2)
    assert result.rounds[0].totals[0] is None


def _reference_winners(rankings: list[tuple[int, ...]], n: int) -> set[int]:
    """Schulze winners by the definition (Schulze 2011, section 2.1), written plainly in
    Python as an oracle: d[i][j] voters preferring i to j; p = widest paths (winning votes);
    winners are those never beaten on paths."""
    d = [[0] * n for _ in range(n)]
    for r in rankings:
        pos = {c: k for k, c in enumerate(r)}
        for i in range(n):
            for j in range(n):
                if i != j and pos[i] < pos[j]:
                    d[i][j] += 1
    p = [[d[i][j] if d[i][j] > d[j][i] else 0 for j in range(n)] for i in range(n)]
    for k in range(n):
        for i in range(n):
            for j in range(n):
                if len({i, j, k}) == 3:
                    p[i][j] = max(p[i][j], min(p[i][k], p[k][j]))
    return {i for i in range(n) if all(p[i][j] >= p[j][i] for j in range(n) if j != i)}


def test_agrees_with_the_definition_on_random_profiles() -> None:
    rng = random.Random(2011)
    names = ["a", "b", "c", "d", "e"]
    perms = list(itertools.permutations(range(5)))
    for _ in range(60):
        rankings = [perms[rng.randrange(len(perms))] for _ in range(rng.randrange(3, 30))]
        ours = count_schulze(Profile.from_ballots(names, [list(r) for r in rankings]), 1)
        theirs = _reference_winners(rankings, 5)
        # The definition gives the set of winners; ours is that set's lot-chosen member.
        assert ours.elected[0] in theirs
        if len(theirs) > 1:
            assert any("place 1:" in note for note in ours.rounds[1].notes)


def test_pairwise_is_exact_for_large_weights() -> None:
    p = Profile.from_ballots(["a", "b"], [["a", "b"], ["b"]], weights=[2**40 + 1, 2**40])
    assert pairwise(p.effective()).tolist() == [[0, 2**40 + 1], [2**40, 0]]
    assert np.array_equal(strongest_paths(pairwise(p.effective())), [[0, 2**40 + 1], [0, 0]])

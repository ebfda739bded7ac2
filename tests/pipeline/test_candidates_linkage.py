"""The candidates' grouping on its own: complete linkage over a likeness matrix, kept apart by
kommun and lead organisation."""

from __future__ import annotations

import numpy as np

from pipeline.queries.candidates import ALIKE, _complete_linkage


def _cosine(pairs: dict[tuple[int, int], float], size: int) -> np.ndarray:
    matrix = np.eye(size, dtype=np.float32)
    for (a, b), value in pairs.items():
        matrix[a, b] = matrix[b, a] = value
    return matrix


def test_a_chain_of_look_alikes_is_not_one_group():
    # 0~1 and 1~2 are alike, 0 and 2 are not: complete linkage keeps 2 out of {0, 1}.
    cosine = _cosine({(0, 1): 0.9, (1, 2): 0.8, (0, 2): ALIKE / 2}, 3)
    groups = _complete_linkage(cosine, [10, 11, 12], [{1}, {2}, {3}])
    assert sorted(map(sorted, groups)) == [[0, 1]]


def test_every_member_alike_makes_one_group_across_kommuner():
    cosine = _cosine({(0, 1): 0.9, (1, 2): 0.8, (0, 2): 0.7, (2, 3): 0.6, (0, 3): 0.5,
                      (1, 3): 0.4}, 4)  # fmt: skip
    groups = _complete_linkage(cosine, [10, 11, 12, 13], [{1}, {2}, {3}, {4}])
    assert sorted(map(sorted, groups)) == [[0, 1, 2, 3]]


def test_the_same_kommun_lead_or_no_kommun_keeps_ideas_apart():
    cosine = _cosine({(0, 1): 0.9, (2, 3): 0.9, (4, 5): 0.9}, 6)
    leads = [10, 11, 12, 12, 14, 15]  # 2 and 3: one lead organisation
    places = [{1}, {1, 2}, {3}, {4}, set(), {5}]  # 0 and 1 share a kommun; 4 has none
    assert _complete_linkage(cosine, leads, places) == []


def test_ideas_without_a_lead_organisation_are_not_told_apart_by_it():
    cosine = _cosine({(0, 1): 0.9}, 2)
    assert _complete_linkage(cosine, [None, None], [{1}, {2}]) == []

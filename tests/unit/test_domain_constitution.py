"""The constitution (councils.domain.constitution) and its file (councils.service.constitution)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from councils.domain.constitution import DEFAULT, Rules, parse_constitution
from councils.domain.errors import InvalidCommand, ParseError
from councils.service import load_constitution

DOC = Path(__file__).resolve().parents[2] / "docs" / "constitution.md"


def test_the_defaults() -> None:
    rules = DEFAULT.rules_for("any")  # type: ignore[arg-type]
    assert rules == Rules()
    assert (rules.method_for(1), rules.method_for(3)) == ("irv", "scottish-stv")
    assert (rules.secret_for(True), rules.secret_for(False)) == (True, False)
    assert (rules.recall_threshold, rules.recall_comparison) == ((1, 2), "more-than")
    assert rules.vacancy_rule == "countback"


def test_every_key_and_a_per_council_override_over_the_federations_values() -> None:
    c = parse_constitution(
        {
            "version": 1,
            "methods": {"single": "plurality", "multi": "irv"},
            "ballots": {"secret": False, "secret_in_councils": True},
            "recall": {"threshold": "2/3", "comparison": "at-least"},
            "vacancy": {"rule": "by-election"},
            "councils": {"city": {"recall": {"threshold": "1/3"}}},
        }
    )
    assert c.defaults == Rules("plurality", "irv", False, True, (2, 3), "at-least", "by-election")
    city = c.rules_for("city")  # type: ignore[arg-type]
    assert city.recall_threshold == (1, 3)
    assert city.methods_single == "plurality"  # the federation's value, not the built-in one
    assert c.rules_for("region") == c.defaults  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"recal": {}}, "recal"),
        ({"recall": {"treshold": "1/2"}}, "recall.treshold"),
        ({"councils": {"city": {"methods": {"singel": "irv"}}}}, "councils.city.methods.singel"),
        ({"councils": {"city": {"quorum": {}}}}, "councils.city.quorum"),
    ],
)
def test_an_unknown_key_is_named(data: dict[str, object], key: str) -> None:
    with pytest.raises(InvalidCommand) as err:
        parse_constitution(data)
    assert err.value.code == "constitution.unknown_key"
    assert err.value.args_["key"] == key
    assert repr(key) in str(err.value)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"methods": {"single": "dictator"}}, "methods.single"),
        ({"methods": {"multi": 3}}, "methods.multi"),
        ({"ballots": {"secret": "yes"}}, "ballots.secret"),
        ({"recall": {"threshold": "3/2"}}, "recall.threshold"),
        ({"recall": {"threshold": "0/2"}}, "recall.threshold"),
        ({"recall": {"threshold": "half"}}, "recall.threshold"),
        ({"recall": {"comparison": "over"}}, "recall.comparison"),
        ({"vacancy": {"rule": "lottery"}}, "vacancy.rule"),
        ({"vacancy": "countback"}, "vacancy"),
        ({"councils": []}, "councils"),
        ({"councils": {"city": 1}}, "councils.city"),
        ({"version": 2}, "version"),
    ],
)
def test_a_wrong_value_is_named(data: dict[str, object], key: str) -> None:
    with pytest.raises(InvalidCommand) as err:
        parse_constitution(data)
    assert err.value.code == "constitution.bad_value"
    assert err.value.args_["key"] == key


def test_load_constitution_reads_toml(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[recall]\nthreshold = "2/3"\n\n[councils.city.vacancy]\nrule = "by-election"\n'
    )
    c = load_constitution(path)
    assert c.defaults.recall_threshold == (2, 3)
    assert c.rules_for("city").vacancy_rule == "by-election"  # type: ignore[arg-type]


def test_load_constitution_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[recall]\nthreshold = "2/3\n')
    with pytest.raises(ParseError) as err:
        load_constitution(path)
    assert (err.value.file, err.value.line, err.value.code) == (
        str(path),
        2,
        "constitution.not_toml",
    )
    path.write_text('[recall]\ntreshold = "2/3"\n')
    with pytest.raises(InvalidCommand) as bad:
        load_constitution(path)
    assert str(bad.value).startswith(str(path))
    with pytest.raises(ParseError):
        load_constitution(tmp_path / "missing.toml")


def test_docs_constitution_documents_every_key_with_its_default() -> None:
    text = DOC.read_text()
    for section, key, default in [
        ("methods", "single", '"irv"'),
        ("methods", "multi", '"scottish-stv"'),
        ("ballots", "secret", "true"),
        ("ballots", "secret_in_councils", "false"),
        ("recall", "threshold", '"1/2"'),
        ("recall", "comparison", '"more-than"'),
        ("vacancy", "rule", '"countback"'),
    ]:
        assert re.search(rf"`{section}\.{key}`.*`{re.escape(default)}`", text), (section, key)

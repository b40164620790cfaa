"""`newssieve feed` and `newssieve export` on the real Redis."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from newssieve.cli.feed import export, feed
from tests.feeds_helper import add_translated_copy, build_newsroom


@pytest.fixture
def room(client, tmp_path, monkeypatch):
    return build_newsroom(client, tmp_path, monkeypatch)


def run(command, *args: str):
    return CliRunner().invoke(command, list(args), catch_exceptions=False)


def test_table_shows_one_line_per_story_and_copies_on_request(room):
    plain = run(feed, "all").output.splitlines()
    assert len(plain) == 4 and "[courier] Budget passes  (+1 copy)" in plain[0]
    assert plain[-1].endswith("River floods the harbour  (+2 copies)")
    with_copies = run(feed, "all", "--copies").output.splitlines()
    assert len(with_copies) == 7
    assert any("└ [gazette]" in line and "flood-copy" in line for line in with_copies)


def test_copies_say_how_they_matched_and_their_language(room, client):
    translated = add_translated_copy(client, room)
    lines = run(feed, "all", "--copies").output.splitlines()
    assert any("└ [gazette] Fluss überflutet den Hafen  (translation, de)  http://gazette.test/news/flood-de"
               in line for line in lines)
    assert any("└ [courier]" in line and "(near, en)  http://courier.test/news/flood-edit" in line
               for line in lines)
    assert any("└ [wire] Budget (wire)  (exact, en)" in line for line in lines)
    entries = json.loads(run(feed, "all", "--json", "--copies").output)
    copies = {c["id"]: c for e in entries for c in e["copy_details"]}
    assert (copies[translated]["match"], copies[translated]["lang"]) == ("translation", "de")
    assert copies[room.budget_wire]["match"] == "exact" and "match_kind" not in copies[room.budget_wire]
    assert all("match" not in e for e in entries)  # the story itself matched nothing
    rows = [json.loads(line) for line in run(export).stdout.splitlines()]
    assert {r["id"]: r["match"] for r in rows}[translated] == "translation"


def test_json_formats_filters_and_alias(room):
    entries = json.loads(run(feed, "english", "--format", "json", "--limit", "2").output)
    assert [e["title"] for e in entries] == ["Budget passes", "Rail strike"]
    assert json.loads(run(feed, "all", "--json", "--lang", "de").output)[0]["id"] == room.vote
    lines = run(feed, "all", "--format", "jsonl", "--site", "wire", "--copies").output.splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["id"] for r in rows] == [room.rail, room.flood]
    assert {c["site"] for c in rows[1]["copy_details"]} == {"gazette", "courier"}
    window = run(feed, "all", "--json", "--since", "2026-11-20T11:00Z", "--until", "2026-11-20T12:00Z").output
    assert sorted(e["id"] for e in json.loads(window)) == sorted([room.rail, room.vote])
    assert json.loads(run(feed, "all", "--json", "--since", "1h").output) == []  # the newsroom is in the past


def test_bad_arguments_are_usage_errors(room):
    unknown = run(feed, "nope")
    assert unknown.exit_code == 2 and "unknown feed 'nope' (known: all, english, wires)" in unknown.output
    bad_time = run(feed, "all", "--since", "lately")
    assert bad_time.exit_code == 2 and "neither a duration" in bad_time.output
    backwards = run(feed, "all", "--since", "2026-11-21", "--until", "2026-11-20")
    assert backwards.exit_code == 2 and "--until" in backwards.output


def test_export_writes_every_article_as_json_lines(room, tmp_path):
    target = tmp_path / "out.jsonl"
    assert run(export, "--format", "jsonl", "--output", str(target)).stderr == "exported 7 articles\n"
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 7
    by_id = {r["id"]: r for r in records}
    courier = by_id[room.flood_courier]
    assert courier["duplicate_of"] == room.flood and not courier["canonical"]
    assert by_id[room.flood]["canonical"] and by_id[room.flood]["duplicate_of"] is None
    assert sum(r["canonical"] for r in records) == 4  # one per story
    recent = run(export, "--since", "1h")  # every article was first seen just now
    assert len(recent.stdout.splitlines()) == 7 and recent.stderr == "exported 7 articles\n"


def test_times_carry_their_zone_and_an_empty_table_says_so(room):
    lines = run(feed, "all", "--copies").output.splitlines()
    assert all(line.split("  [")[0].endswith(" UTC") for line in lines if not line.lstrip().startswith("└"))
    copy = next(line for line in lines if "└" in line)
    assert copy.index("└") == lines[0].index("[") + 2  # copies stay indented under their story
    empty = run(feed, "all", "--since", "2030-01-01T00:00Z").output
    assert empty == "no stories since 2030-01-01 00:00 UTC\n"
    window = run(feed, "english", "--since", "2030-01-01T00:00Z", "--until", "2030-01-02T00:00Z").output
    assert window == "no stories in feed english since 2030-01-01 00:00 UTC before 2030-01-02 00:00 UTC\n"
    assert run(feed, "all", "--since", "2030-01-01T00:00Z", "--json").output.strip() == "[]"

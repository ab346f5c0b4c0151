import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.data.schemas import UNITS
from analysis.numbers import (find_numbers, format_number, format_percent, format_value, numbers_written, parse_number,
                              unit_label)


@pytest.mark.parametrize("text,lang,expected", [
    ("1.105.280", "vi", 1105280), ("77,67%", "vi", 77.67), ("9,46", "vi", 9.46), ("04", "vi", 4),
    ("2.090", "vi", 2090), ("37.077", "vi", 37077), ("0,7024", "vi", 0.7024),
    ("1,105,280", "en", 1105280), ("77.67%", "en", 77.67), ("0.7024", "en", 0.7024), ("-3,5", "vi", -3.5),
])
def test_parse_number(text, lang, expected):
    assert parse_number(text, lang) == pytest.approx(expected)


@pytest.mark.parametrize("bad", ["1.10.5", "abc", "1,2,3", "", "1.1055", "12..3", "1.105.280,", "1 105"])
def test_parse_number_rejects_malformed(bad):
    with pytest.raises(ValueError, match="malformed number"):
        parse_number(bad, "vi")


def test_find_numbers_in_source_figures():
    assert find_numbers("807/37.077 người (chiếm tỷ lệ 2,17%)") == [807, 37077, 2.17]
    assert find_numbers("năm 2021: 6.695 lượt học viên, kinh phí 13,8 tỷ đồng") == [2021, 6695, 13.8]
    assert find_numbers("2,213 administrative procedures (reaching 98.2%)", "en") == [2213, 98.2]


def test_numbers_written_read_a_space_between_digit_groups_as_thousands():
    assert 55388 in numbers_written("55 388,00") and 54842.94 in numbers_written("54 842,94")
    assert 1105280 in numbers_written("1 105 280 người")
    assert numbers_written("năm 2021 có 12 tổ") == find_numbers("năm 2021 có 12 tổ") * 2  # no group of three after
    assert 202112 not in numbers_written("2021 12")


def test_format_vietnamese_and_english():
    assert format_number(1105280) == "1.105.280"
    assert format_number(1105280, "en") == "1,105,280"
    assert format_percent(77.67) == "77,67%"
    assert format_percent(77.67, "en") == "77.67%"
    assert format_value(9.46, "billion_vnd") == "9,46 tỷ đồng"
    assert format_value(9.46, "billion_vnd", "en") == "VND 9.46 billion"
    assert format_number(2.176552, "vi", 2) == "2,18"
    assert format_number(float("nan")) == "–"
    assert format_value(0.7024, "index_0_1") == "0,7024"


def test_one_of_a_counted_unit_reads_in_the_singular_in_english():
    assert format_value(1, "institutions", "en") == "1 institution"
    assert format_value(2, "institutions", "en") == "2 institutions"
    assert format_value(1.5, "persons", "en") == "1.5 persons"
    assert format_value(1, "institutions") == "1 cơ sở"  # Vietnamese has no plural
    assert format_value(1, "percent", "en") == "1%"
    assert unit_label("persons", "en") == "persons"  # an axis label stays plural whatever the first value
    assert unit_label("billion_vnd", "en") == "VND billion" and unit_label("billion_vnd") == "tỷ đồng"
    # a count has no word after its number, but an axis still names it ('số lượng', not the code 'count')
    assert format_value(3, "count", "en") == "3" and unit_label("count") == "số lượng"


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda x: round(x, 2)),
       st.sampled_from(["vi", "en"]))
def test_format_then_parse_round_trips(x, lang):
    assert parse_number(format_number(x, lang, 2), lang) == pytest.approx(x, abs=0.006)


def test_data_points_name_their_years_and_a_long_series_reads_as_a_span():
    from analysis.numbers import points_cell, points_years

    assert points_cell(2, "2021;2023", "vi") == "2 (2021, 2023)"  # the gap (no 2022) stays visible
    assert points_cell(9, [str(y) for y in range(2016, 2025)], "en") == "9 (2016–2024)"
    assert points_cell(1250, "", "vi") == "1.250" and points_cell(1250, None, "en") == "1,250"
    assert points_years("2020.0;2022.0") == "2020, 2022"
    assert points_cell(0, float("nan"), "vi") == "0"  # a table's missing value: the count alone


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_unit_of_the_schema_has_a_label_in_the_catalogue(lang):
    # an axis title or a unit field never falls back to the code ('rank', 'index_0_1') on a reader's page
    missing = [u for u in UNITS if not unit_label(u, lang)]
    assert not missing, missing
    assert unit_label("rank", "vi") != unit_label("rank", "en")

"""Names in lists follow the Vietnamese alphabet (a ă â b c d đ e ê …), then tones, not code-point order."""

from __future__ import annotations

import random
import unicodedata

import pytest

from analysis.collation import vi_key, vi_sorted

# dictionary order, checked by hand against the Vietnamese alphabet and tone order
ORDERED = ["An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bến Tre", "Bình Dương",
           "Bình Định", "Bình Phước", "Cà Mau", "Cao Bằng", "Cần Thơ", "Dak Mil", "Đà Nẵng", "Đắk Lắk",
           "Điện Biên", "Đồng Nai", "Gia Lai", "Hà Giang", "Hà Nội", "Hải Dương", "Hồ Chí Minh", "Huế",
           "Hưng Yên", "Lai Châu", "Lạng Sơn", "Lào Cai", "Lâm Đồng", "Tây Ninh", "Thái Bình", "Yên Bái"]


def test_province_names_follow_the_vietnamese_alphabet():
    shuffled = ORDERED[:]
    random.Random(3).shuffle(shuffled)
    assert vi_sorted(shuffled) == ORDERED
    assert sorted(ORDERED) != ORDERED  # the plain code-point order gets these wrong


@pytest.mark.parametrize("a,b", [("ma", "mà"), ("mà", "mả"), ("mả", "mã"), ("mã", "má"), ("má", "mạ"),
                                 ("mạ", "mac"), ("o", "ô"), ("ô", "ơ"), ("u", "ư"), ("d", "đ"), ("e", "ê")])
def test_tones_order_only_words_with_the_same_letters(a, b):
    assert vi_key(a) < vi_key(b)


def test_the_same_name_in_composed_or_decomposed_form_sorts_alike():
    name = "Thừa Thiên Huế"
    nfd = unicodedata.normalize("NFD", name)
    assert vi_key(name)[:2] == vi_key(nfd)[:2]


def test_plain_english_names_keep_their_usual_order():
    names = ["Ben Tre", "Bac Lieu", "Ho Chi Minh City", "Ha Noi", "Quang Tri", "Can Tho", "Da Nang"]
    assert vi_sorted(names) == sorted(names)

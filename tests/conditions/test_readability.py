"""LIX against examples counted by hand."""

import pytest

from conditions.readability import Lix, lix


def test_a_short_norwegian_example_counted_by_hand():
    # Words: Ryggen(6) er(2) vondt(5) | Du(2) bør(3) bevege(6) deg(3) forsiktig(9)
    # = 8 words, 1 long (forsiktig), 2 sentences.
    # LIX = 8/2 + 100*1/8 = 4 + 12.5 = 16.5
    result = lix("Ryggen er vondt. Du bør bevege deg forsiktig.")
    assert result == Lix(words=8, sentences=2, long_words=1)
    assert result.score == pytest.approx(16.5)


def test_an_english_example_counted_by_hand():
    # Words: Persistent(10) lumbar(6) pain(4) requires(8) multidisciplinary(17)
    # assessment(10) = 6 words, 4 long, 1 sentence.
    # LIX = 6/1 + 100*4/6 = 6 + 66.67 = 72.67
    result = lix("Persistent lumbar pain requires multidisciplinary assessment.")
    assert result == Lix(words=6, sentences=1, long_words=4)
    assert result.score == pytest.approx(72.666, abs=0.01)


def test_hard_norwegian_text_is_flagged():
    # Korsryggsmerter(15) forekommer(10) hyppig(6) blant(5) yrkesaktive(11)
    # befolkningsgrupper(18): 6 words, 4 long, 1 sentence -> 6 + 66.67 = 72.67
    result = lix(
        "Korsryggsmerter forekommer hyppig blant yrkesaktive befolkningsgrupper."
    )
    assert result.long_words == 4
    assert result.is_hard


def test_numbers_are_not_words_and_joined_words_are_one():
    # "L5-S1" and "don't" are one word each; "40" and "2" are not words.
    # Words: Over(4) L5-S1(2 letters) don't(4) worry(5) = 4 words, 0 long.
    result = lix("Over 40 L5-S1 don't worry 2")
    assert result == Lix(words=4, sentences=1, long_words=0)
    assert result.score == pytest.approx(4.0)


def test_each_line_of_a_list_is_a_sentence():
    text = "Stivhet om morgenen\nSmerter ved bøying\nVondt å sitte lenge"
    # 3 lines = 3 sentences; 3 + 3 + 4 = 10 words; long: Stivhet(7) morgenen(8)
    # Smerter(7) = 3 (bøying has 6 letters). LIX = 10/3 + 100*3/10 = 33.33
    result = lix(text)
    assert result == Lix(words=10, sentences=3, long_words=3)
    assert result.score == pytest.approx(33.333, abs=0.01)


def test_parts_add_up_to_the_whole():
    a, b = lix("Ryggen er vondt."), lix("Du bør bevege deg forsiktig.")
    assert a + b == lix("Ryggen er vondt. Du bør bevege deg forsiktig.")


def test_empty_text_has_no_score():
    assert lix("").score is None
    assert lix("2026, 113.").score is None
    assert not lix("").is_hard

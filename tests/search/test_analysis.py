"""The Korean analysis both backends share (Kiwi with its packaged model: real behaviour, no mocks)."""

from __future__ import annotations

import time

import pytest

from m24.search.analysis import MAX_ANALYSED_CHARS, analyse, highlight, query_terms

PARTICLES_AND_ENDINGS = {"이", "가", "을", "를", "은", "는", "요", "해요", "어요", "하", "해", "다", "싶"}


@pytest.mark.parametrize("text", ["비전검사를", "비전 검사", "비전검사"])
def test_spacing_and_particles_give_the_same_tokens(text: str) -> None:
    assert analyse(text).tokens == ["비전", "검사"]
    assert query_terms(text).tokens == ["비전", "검사"]


def test_particles_and_endings_are_dropped() -> None:
    analysed = analyse("예지보전이 필요해요")
    assert not set(analysed.tokens) & PARTICLES_AND_ENDINGS, analysed.tokens
    assert "필요" in analysed.tokens
    # Kiwi may keep 예지보전 whole or split it; either way it is all there, and its bigrams are the same.
    assert "".join(analysed.tokens).startswith("예지보전")
    assert {"예지", "지보", "보전"} <= set(analysed.grams)
    assert set(analyse("예지보전").grams) <= set(analysed.grams)


def test_verb_endings_are_dropped_but_meaningful_stems_kept() -> None:
    tokens = analyse("불량을 줄이고 싶어요").tokens
    assert "불량" in tokens
    assert "줄이" in tokens  # a two-character stem carries meaning
    assert not set(tokens) & PARTICLES_AND_ENDINGS, tokens


def test_mixed_korean_and_english_keeps_the_english_word_lower_cased() -> None:
    tokens = analyse("AI 불량 검출").tokens
    assert tokens == ["ai", "불량", "검출"]
    assert analyse("ai 불량 검출").tokens == tokens


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("비젼", "비전"),
        ("에이아이", "AI"),
        ("인공지능", "AI"),
        ("예지정비", "예지보전"),
        ("메스", "MES"),
        ("사스", "SaaS"),
        ("스마트팩토리", "스마트공장"),
        ("스마트 팩토리", "스마트공장"),
    ],
)
def test_spelling_variants_are_folded(variant: str, canonical: str) -> None:
    assert analyse(variant).tokens == analyse(canonical).tokens


def test_a_folded_variant_inside_a_compound_matches_the_usual_spelling() -> None:
    assert analyse("비젼검사").tokens == analyse("비전검사").tokens == ["비전", "검사"]


def test_a_typo_keeps_most_bigrams_so_the_grams_field_still_matches() -> None:
    typo, right = query_terms("예지보존"), query_terms("예지보전")
    assert typo.tokens != right.tokens  # the typo is not a known word
    shared = set(typo.grams) & set(right.grams)
    assert shared == {"예지", "지보"}
    # The share the grams clause requires (GRAMS_MIN_SHARE = 0.6 of the query's bigrams) is reached.
    assert len(shared) / len(typo.grams) >= 0.6


def test_query_terms_keep_each_token_once() -> None:
    analysed = query_terms("검사 검사 비전 검사")
    assert analysed.tokens == ["검사", "비전"]
    assert len(analysed.grams) == len(set(analysed.grams))


def test_spans_point_into_the_original_text() -> None:
    text = "우리 공장에 비전검사를 도입하고 싶어요"
    for start, end, token in analyse(text).spans:
        assert text[start:end].lower() in (token, "비전검사")  # a folded variant would differ; none here
    assert [text[s:e] for s, e, t in analyse(text).spans if t in ("비전", "검사")] == ["비전", "검사"]


def test_highlight_marks_the_word_in_the_original_text() -> None:
    text = "우리 공장에 비전검사를 도입하고 싶어요"
    marked = highlight(text, analyse(text).spans, {"비전", "검사"})
    # 비전 and 검사 touch in the text: one mark around the written word, particle left outside.
    assert marked == "우리 공장에 <em>비전검사</em>를 도입하고 싶어요"


def test_highlight_marks_a_folded_variant_where_it_was_written() -> None:
    text = "비젼 검사 장비"
    marked = highlight(text, analyse(text).spans, set(query_terms("비전").tokens))
    assert marked == "<em>비젼</em> 검사 장비"


def test_highlight_escapes_html() -> None:
    text = "<script>alert(1)</script> 우리 공장 비전검사를 도입 & <b>굵게</b>"
    marked = highlight(text, analyse(text).spans, {"비전", "검사"})
    assert marked is not None
    assert "<script>" not in marked and "<b>" not in marked
    assert "&lt;script&gt;" in marked and "&amp;" in marked
    assert "<em>비전검사</em>" in marked
    # The only tags left are the marks.
    assert marked.replace("<em>", "").replace("</em>", "").count("<") == 0


def test_highlight_returns_none_without_a_match_and_ignores_bad_spans() -> None:
    text = "협동로봇 패키지"
    assert highlight(text, analyse(text).spans, {"비전"}) is None
    assert highlight(text, [[5, 100, "로봇"], [-1, 2, "로봇"], [3, 3, "로봇"]], {"로봇"}) is None


def test_highlight_cuts_long_text_around_the_first_match() -> None:
    text = "가나다라 " * 100 + "비전검사 시스템" + " 마바사" * 100
    at = text.index("비전검사")
    spans = [[at, at + 2, "비전"], [at + 2, at + 4, "검사"]]
    marked = highlight(text, spans, {"비전", "검사"}, limit=80)
    assert marked is not None
    assert marked.startswith("…") and marked.endswith("…")
    assert "<em>비전검사</em>" in marked
    assert len(marked) < 120


@pytest.mark.parametrize("text", ["", "   ", "\x00\x1b\x07", "\t\n\r", "…—·", "*:*", "\u200b\ufeff"])
def test_empty_and_punctuation_only_text_gives_nothing(text: str) -> None:
    analysed = analyse(text)
    assert analysed.tokens == [] and analysed.grams == [] and analysed.spans == []


def test_control_characters_are_separators_not_errors() -> None:
    analysed = analyse("비전\x00검사\x1b[31m 장비\u0007")
    assert {"비전", "검사", "장비"} <= set(analysed.tokens)
    assert "\x00" not in "".join(analysed.tokens)


def test_very_long_input_is_cut_and_does_not_crash() -> None:
    started = time.monotonic()
    analysed = analyse("비전검사 장비 " * 4000)  # 32,000 characters
    assert analysed.tokens
    assert all(0 <= s < e <= MAX_ANALYSED_CHARS for s, e, _ in analysed.spans)
    analyse("가" * 20_000)
    analyse("x" * 20_000)
    assert time.monotonic() - started < 10


def test_a_word_is_analysed_the_same_in_any_context() -> None:
    assert {"비전", "검사"} <= set(analyse("화장품 용기·라벨 비전검사").tokens)

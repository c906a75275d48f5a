"""Korean text analysis done in Python, identically for indexing and querying and for both backends.

Elasticsearch's test build has no nori or cjk analysers and production may have them, so neither is
used: text is analysed here with Kiwi (kiwipiepy, its packaged model) and the resulting tokens are
indexed into whitespace-analysed fields. The database backend stores the same tokens. So
"비전검사를", "비전 검사" and "비전검사" all become ``비전 검사``, and a query is analysed by the very
same function as the documents it is matched against.

Three products of one text:

* **tokens** — content morphemes (nouns, roots, foreign words, numbers, verb and adjective stems of
  two or more characters), lower-cased, spelling variants folded (:data:`VARIANTS`). Particles,
  endings, suffixes and punctuation are dropped.
* **grams** — character bigrams of each run of adjacent content morphemes ("예지보전" → 예지 지보
  보전). A typo changes one or two bigrams, so "예지보존" still shares two of three with "예지보전":
  the typo-tolerant field.
* **spans** — where each token sits in the original text, so hits can be highlighted in the text
  people wrote rather than in analysed tokens, without analysing again at query time.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

#: Kiwi part-of-speech tags that carry meaning for search.
_CONTENT_TAGS = frozenset({"NNG", "NNP", "NR", "SL", "SN", "SH", "XR", "NNB"})
#: Verb and adjective stems are kept when they are two or more characters ("검출하다" → 검출 is a noun
#: anyway; "줄이" from "줄이고" matters, "많" from "많아요" does not).
_STEM_TAGS = frozenset({"VV", "VA"})
_STOP_NNB = frozenset({"것", "수", "등", "때", "중", "개", "년", "월", "일"})

#: Spelling variants people type, folded at index and query time alike: a token, or a run of tokens
#: as Kiwi splits them, is replaced by the tokens of the catalogue's own spelling (analysed the same
#: way, so "스마트팩토리" gives exactly what "스마트공장" gives).
VARIANTS: dict[tuple[str, ...], str] = {
    ("비젼",): "비전",
    ("인공", "지능"): "AI",
    ("에이아이",): "AI",
    ("스마트팩토리",): "스마트공장",
    ("스마트", "팩토리"): "스마트공장",
    ("예지정비",): "예지보전",
    ("메스",): "MES",
    ("사스",): "SaaS",
}
_LONGEST_VARIANT = max(len(k) for k in VARIANTS)

#: Longest text analysed: a query is cut to this length before analysis (queries are validated to
#: be far shorter; documents longer than this are indexed by their beginning).
MAX_ANALYSED_CHARS = 20_000

_lock = threading.Lock()
_use_lock = threading.Lock()
_kiwi: Kiwi | None = None


def _analyser() -> Kiwi:
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                _kiwi = Kiwi()
    return _kiwi


def warm_up() -> None:
    """Load the model (about a second) before the first request needs it."""
    analyse("비전검사")


@dataclass(frozen=True)
class Analysed:
    tokens: list[str]
    grams: list[str]
    #: [start, end, token] in the original text, for highlighting.
    spans: list[list[Any]]
    #: Words as written (adjacent content morphemes joined, lower-cased): what autocomplete matches a
    #: typed prefix against, so "비전검" completes "비전검사" however Kiwi split it.
    words: list[str] = field(default_factory=list)


def _normalise(text: str) -> str:
    cleaned = "".join(ch if ch.isprintable() else " " for ch in unicodedata.normalize("NFKC", text))
    return cleaned[:MAX_ANALYSED_CHARS]


def _bigrams(run: str) -> list[str]:
    if len(run) < 2:
        return []
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _is_hangul(text: str) -> bool:
    return all("가" <= ch <= "힣" for ch in text)


def _keep(form: str, tag: str) -> bool:
    if tag == "NNB":
        return form not in _STOP_NNB
    return tag in _CONTENT_TAGS or (tag in _STEM_TAGS and len(form) >= 2)


@lru_cache(maxsize=50_000)
def _parts(compound: str) -> tuple[tuple[str, int, int], ...]:
    """How Kiwi splits a compound noun on its own: Kiwi keeps "비전검사" whole in some sentences and
    splits it in others, so compounds are indexed with their parts as well."""
    with _use_lock:
        morphemes = _analyser().tokenize(compound)
    parts = tuple((m.form, m.start, m.len) for m in morphemes if _keep(m.form, m.tag))
    return parts if len(parts) > 1 and "".join(p[0] for p in parts) == compound else ()


def _fold(tokens: list[str], spans: list[list[Any]]) -> tuple[list[str], list[list[Any]]]:
    out_tokens: list[str] = []
    out_spans: list[list[Any]] = []
    i = 0
    while i < len(tokens):
        for n in range(min(_LONGEST_VARIANT, len(tokens) - i), 0, -1):
            canonical = VARIANTS.get(tuple(tokens[i : i + n]))
            if canonical is not None:
                begin, end = spans[i][0], spans[i + n - 1][1]
                for token in _analyse_cached(canonical).tokens:
                    out_tokens.append(token)
                    out_spans.append([begin, end, token])
                i += n
                break
        else:
            out_tokens.append(tokens[i])
            out_spans.append(spans[i])
            i += 1
    return out_tokens, out_spans


@lru_cache(maxsize=100_000)
def _analyse_cached(text: str) -> Analysed:
    """Analysis of normalised text (variants' canonical spellings are analysed through here too)."""
    if not text.strip():
        return Analysed([], [], [], [])
    kiwi = _analyser()
    with _use_lock:  # Kiwi objects are not documented as thread-safe; analysis is short.
        morphemes = kiwi.tokenize(text)
    tokens: list[str] = []
    spans: list[list[Any]] = []
    grams: list[str] = []
    words: list[str] = []
    run = ""
    run_end = -1

    def close_run() -> None:
        if run:
            grams.extend(_bigrams(run))
            words.append(run)

    for m in morphemes:
        form, tag, start, length = m.form, m.tag, m.start, m.len
        if not _keep(form, tag):
            close_run()
            run, run_end = "", -1
            continue
        token = form.lower()
        tokens.append(token)
        spans.append([start, start + length, token])
        if tag in ("NNG", "NNP") and len(form) >= 3 and _is_hangul(form):
            for part, offset, part_length in _parts(form):
                tokens.append(part)
                spans.append([start + offset, start + offset + part_length, part])
        # A run is content morphemes touching each other in the original text (one written word).
        if tag in ("SL", "SN"):
            close_run()
            run, run_end = "", -1
            words.append(token)
            continue
        if start == run_end:
            run += token
        else:
            close_run()
            run = token
        run_end = start + length
    close_run()
    tokens, spans = _fold(tokens, spans)
    return Analysed(tokens, grams, spans, words)


@lru_cache(maxsize=100_000)
def analyse(text: str) -> Analysed:
    """Tokens, grams, spans and words of a text (memoised on the raw text: catalogue texts repeat a
    lot, and the normalising pass is itself a cost). Callers must not change the returned lists."""
    return _analyse_cached(_normalise(text))


def query_terms(text: str) -> Analysed:
    """A query's analysis: as for documents, with repeated tokens and grams kept once."""
    analysed = analyse(text)
    return Analysed(
        list(dict.fromkeys(analysed.tokens)),
        list(dict.fromkeys(analysed.grams)),
        analysed.spans,
        list(dict.fromkeys(analysed.words)),
    )


def highlight(text: str, spans: list[list[Any]], terms: set[str], *, limit: int = 160) -> str | None:
    """``text`` with the spans whose token is in ``terms`` wrapped in ``<em>``, HTML-escaped, cut
    around the first match to about ``limit`` characters; ``None`` when nothing matched."""
    import html

    hits: list[tuple[int, int]] = []
    for s, e, token in spans:
        if token not in terms or not 0 <= int(s) < int(e) <= len(text):
            continue
        if hits and hits[-1][1] == int(s):  # 비전|검사 written as one word: one mark
            hits[-1] = (hits[-1][0], int(e))
        else:
            hits.append((int(s), int(e)))
    if not hits:
        return None
    first = hits[0][0]
    begin = max(0, first - limit // 3) if len(text) > limit else 0
    end = min(len(text), begin + limit)
    out: list[str] = ["…" if begin > 0 else ""]
    cursor = begin
    for s, e in hits:
        if s < cursor or e > end:
            continue
        out.append(html.escape(text[cursor:s]))
        out.append("<em>" + html.escape(text[s:e]) + "</em>")
        cursor = e
    out.append(html.escape(text[cursor:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)

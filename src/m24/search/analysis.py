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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

#: Kiwi part-of-speech tags that carry meaning for search.
_CONTENT_TAGS = frozenset({"NNG", "NNP", "NR", "SL", "SN", "SH", "XR", "NNB"})
#: Verb and adjective stems are kept when they are two or more characters ("검출하다" → 검출 is a noun
#: anyway; "줄이" from "줄이고" matters, "많" from "많아요" does not).
_STEM_TAGS = frozenset({"VV", "VA"})
_STOP_NNB = frozenset({"것", "수", "등", "때", "중", "개", "년", "월", "일"})

#: Spelling variants people type, folded at index and query time alike.
VARIANTS: dict[str, str] = {
    "비젼": "비전",
    "인공지능": "ai",
    "에이아이": "ai",
    "스마트팩토리": "스마트공장",
    "팩토리": "공장",
    "예지정비": "예지보전",
    "메스": "mes",
    "이알피": "erp",
    "사스": "saas",
    "클라우드형": "클라우드",
}

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


def _normalise(text: str) -> str:
    cleaned = "".join(ch if ch.isprintable() else " " for ch in unicodedata.normalize("NFKC", text))
    return cleaned[:MAX_ANALYSED_CHARS]


def _fold(form: str) -> str:
    lowered = form.lower()
    return VARIANTS.get(lowered, lowered)


def _bigrams(run: str) -> list[str]:
    if len(run) < 2:
        return []
    return [run[i : i + 2] for i in range(len(run) - 1)]


def analyse(text: str) -> Analysed:
    text = _normalise(text)
    if not text.strip():
        return Analysed([], [], [])
    kiwi = _analyser()
    with _use_lock:  # Kiwi objects are not documented as thread-safe; analysis is short.
        morphemes = kiwi.tokenize(text)
    tokens: list[str] = []
    spans: list[list[Any]] = []
    grams: list[str] = []
    run = ""
    run_end = -1
    for m in morphemes:
        form, tag, start, length = m.form, m.tag, m.start, m.len
        keep = tag in _CONTENT_TAGS or (tag in _STEM_TAGS and len(form) >= 2)
        if tag == "NNB" and form in _STOP_NNB:
            keep = False
        if not keep:
            grams.extend(_bigrams(run))
            run, run_end = "", -1
            continue
        token = _fold(form)
        tokens.append(token)
        spans.append([start, start + length, token])
        # A run is content morphemes touching each other in the original text (one written word).
        if start == run_end and tag not in ("SL", "SN"):
            run += form.lower()
        else:
            grams.extend(_bigrams(run))
            run = form.lower() if tag not in ("SL", "SN") else ""
        run_end = start + length
    grams.extend(_bigrams(run))
    return Analysed(tokens, grams, spans)


def query_terms(text: str) -> Analysed:
    """A query's analysis: as for documents, with repeated tokens and grams kept once."""
    analysed = analyse(text)
    return Analysed(list(dict.fromkeys(analysed.tokens)), list(dict.fromkeys(analysed.grams)), analysed.spans)


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

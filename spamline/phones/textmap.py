"""Text assembled from pieces of a source document, with offsets back into the source."""
from __future__ import annotations

import re
import struct
import sys
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


class Spans(Protocol):
    """Anything that maps offsets of its text to source spans (a TextMap, a lazy stretch's map)."""

    def source_span(self, start: int, end: int) -> tuple[int, int]: ...


KINDS = ("text", "tel", "attr", "meta", "script", "jsonld")  # the kinds of from_pieces' flags
_PIECE = struct.Struct("4q")  # text start, source start, source end, flags
_FLAG_BYTE = 24 if sys.byteorder == "little" else 31  # the low byte of a piece's flags (all < 256)
_LITERAL_BIT = bytes(b & 1 for b in range(256))  # bytes.translate tables over flag bytes
_KIND_INDEX = bytes(b >> 1 for b in range(256))
_RUNS = re.compile(b"|".join(re.escape(bytes([k])) + b"++" for k in range(len(KINDS))))  # pieces of one kind in a row


@dataclass
class TextMap:
    """A text whose every character knows the source span it came from.

    Pieces are literal (each text character is one source character), replaced (the
    piece's text stands for a whole source span, e.g. `&#52;` or a tag), or lazy (a stretch
    whose text was built in bulk; its own map is built only when an offset falls inside it).
    """

    kind: str = "text"  # the PhoneHit.source of numbers found here (see `begin` for mixed maps)
    _parts: list[str] = field(default_factory=list)
    _tstart: list[int] = field(default_factory=list)
    _sstart: list[int] = field(default_factory=list)
    _send: list[int] = field(default_factory=list)
    _literal: list[bool] = field(default_factory=list)
    _lazy: dict[int, Callable[[], Spans]] = field(default_factory=dict)
    _built: dict[int, Spans] = field(default_factory=dict)
    _length: int = 0
    _text: str | None = None
    _kind_from: list[int] = field(default_factory=list)
    _kind_names: list[str] = field(default_factory=list)
    pieces: bytes | None = None  # the packed pieces of a map made `from_pieces`, while it is not appended to

    def begin(self, kind: str) -> None:
        """Text appended from now on is of `kind` (a map can hold tel, attr, meta, ... pieces)."""
        if not self._kind_names or self._kind_names[-1] != kind:
            self._kind_from.append(self._length)
            self._kind_names.append(kind)

    def kind_at(self, pos: int) -> str:
        """The kind of the text at `pos`."""
        if not self._kind_names:
            return self.kind
        return self._kind_names[max(0, bisect_right(self._kind_from, pos) - 1)]

    def add_literal(self, text: str, source_start: int) -> None:
        """Append `text`, which stands at `source_start` character for character."""
        if text:
            self._add(text, source_start, source_start + len(text), True)

    def add_replaced(self, text: str, source_start: int, source_end: int) -> None:
        """Append `text` standing for the whole source span [source_start, source_end)."""
        if text:
            self._add(text, source_start, source_end, False)

    def add_lazy(self, text: str, source_start: int, source_end: int, expand: Callable[[], Spans]) -> None:
        """Append `text` built from source[source_start:source_end]; `expand()` gives its exact map
        (offsets into `text` -> source offsets), and is called only if a number is found in this stretch."""
        if text:
            self._lazy[len(self._parts)] = expand
            self._add(text, source_start, source_end, False)

    def _add(self, text: str, sstart: int, send: int, literal: bool) -> None:
        try:
            self._tstart.append(self._length)
        except AttributeError:  # made from_pieces: its offsets are read-only views until now
            self._tstart, self._sstart, self._send, self._literal = (
                list(self._tstart), list(self._sstart), list(self._send), list(map(bool, self._literal)))
            self.pieces = None
            self._tstart.append(self._length)
        self._parts.append(text)
        self._sstart.append(sstart)
        self._send.append(send)
        self._literal.append(literal)
        self._length += len(text)
        self._text = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "".join(self._parts)
        return self._text

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span covering text[start:end] (end > start)."""
        i = bisect_right(self._tstart, start) - 1
        j = bisect_right(self._tstart, end - 1) - 1
        if i == j and i in self._lazy:  # the common case: one lookup in one stretch
            return self._expanded(i).source_span(start - self._tstart[i], end - self._tstart[i])
        if i in self._lazy:
            s = self._expanded(i).source_span(start - self._tstart[i], start - self._tstart[i] + 1)[0]
        else:
            s = self._sstart[i] + (start - self._tstart[i]) if self._literal[i] else self._sstart[i]
        if j in self._lazy:
            e = self._expanded(j).source_span(end - 1 - self._tstart[j], end - self._tstart[j])[1]
        else:
            e = self._sstart[j] + (end - self._tstart[j]) if self._literal[j] else self._send[j]
        return s, e

    def _expanded(self, i: int) -> Spans:
        built = self._built.get(i)
        if built is None:
            built = self._built[i] = self._lazy[i]()
        return built

    @classmethod
    def from_pieces(cls, kind: str, text: str, pieces: bytes) -> TextMap:
        """A map of `text` from packed native int64s, 4 a piece: text start, source start,
        source end, flags (bit 0: literal; flags >> 1: index in KINDS), as _htmlscan gives them.
        The offsets stay in views of `pieces` (an int object for each would cost more than the
        scan), copied into lists only if the map is appended to."""
        fields = memoryview(pieces).cast("q")
        flags = fields[3::4]
        m = cls(kind, [text] if text else [], fields[0::4], fields[1::4], fields[2::4], flags,  # type: ignore[arg-type]
                {}, {}, len(text), text, pieces=pieces)
        flag_bytes = pieces[_FLAG_BYTE::32]
        if flag_bytes.translate(None, b"\0\1"):  # kinds other than "text": a range for each run of a kind
            m._literal = flag_bytes.translate(_LITERAL_BIT)  # type: ignore[assignment]
            kinds = flag_bytes.translate(_KIND_INDEX)
            runs = [run.start() for run in _RUNS.finditer(kinds)]
            m._kind_from = [m._tstart[i] for i in runs]
            m._kind_names = [KINDS[kinds[i]] for i in runs]
        return m

    @classmethod
    def identity(cls, text: str, kind: str = "text") -> TextMap:
        """A map of a plain text onto itself: one literal piece."""
        return cls.from_pieces(kind, text, _PIECE.pack(0, 0, len(text), 1)) if text else cls(kind)

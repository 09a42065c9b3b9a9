"""Bytes to text: which encoding an article is in, decided in a fixed, explainable order.

1. ``encoding=`` forces one (an unknown name is a usage error; bytes it cannot decode are an
   input error with the byte offset).
2. A byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32) wins: it cannot occur by accident.
3. Strict UTF-8. Legacy encodings almost never produce valid UTF-8 by chance, so valid UTF-8 is
   UTF-8 even when a page's <meta charset> says otherwise.
4. Bytes that are *mostly* valid UTF-8 with a few bad bytes are a damaged UTF-8 file, not a
   legacy one: an input error with the offset of the first bad byte (decoding it as windows-1256
   would turn every Arabic letter into mojibake such as "ط§ظ„").
5. An HTML page's declared charset (<meta charset> / http-equiv), when it decodes strictly;
   a page declaring one legacy Arabic code page but written in the other gets the other.
6. The legacy Arabic code pages, windows-1256 and ISO-8859-6, scored by the share of Arabic
   letters among letters, less a penalty for C1 control characters. Statistical detectors
   confuse the two; the letters decide reliably (ISO-8859-6 puts ف ق ك ل م ن ه و ي where
   windows-1256 has à â ç è é ê ë î ï ô, and leaves many bytes undefined).
7. charset-normalizer for anything else (e.g. a windows-1251 Russian text read with --from ru).
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from translate.errors import InputError, UsageError

BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its LE mark begins with UTF-16 LE's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Names we report (the ones users know and can pass back with --encoding).
_DISPLAY = {"cp1256": "windows-1256", "iso8859-6": "iso-8859-6", "cp1251": "windows-1251",
            "cp1252": "windows-1252", "latin-1": "iso-8859-1", "iso8859-1": "iso-8859-1"}

LEGACY_ARABIC = ("cp1256", "iso8859-6")
_MIN_LEGACY_SHARE = 0.5  # Arabic letters among letters for a legacy decoding to be plausible


@dataclass
class Decoded:
    text: str
    encoding: str
    notes: dict[str, Any] = field(default_factory=dict)


def display_name(codec: str) -> str:
    name = codecs.lookup(codec).name
    return _DISPLAY.get(name, name)


def lookup(encoding: str) -> str:
    """The codec name for a user-given encoding; unknown names are a usage error."""
    try:
        info = codecs.lookup(encoding.strip())
    except (LookupError, ValueError):
        raise UsageError(f"unknown encoding {encoding!r} (--encoding); use a name such as "
                         "utf-8, utf-16, windows-1256 or iso-8859-6") from None
    if not _is_text_codec(info):
        raise UsageError(f"unknown encoding {encoding!r} (--encoding): {info.name} is not a "
                         "text encoding")
    return info.name


def _is_text_codec(info: codecs.CodecInfo) -> bool:
    # base64, zlib, rot13 ... are registered codecs but not text encodings
    return getattr(info, "_is_text_encoding", True)


def _offset_error(name: str, data: bytes, enc: str, e: UnicodeDecodeError, hint: str) -> InputError:
    bad = data[e.start:e.start + 4]
    return InputError(f"{name}: cannot decode as {display_name(enc)} at byte offset {e.start} "
                      f"({bad!r}){hint}")


def decode(data: bytes, name: str, *, forced: str | None = None,
           declared: str | None = None) -> Decoded:
    """Decode ``data`` following the order in the module docstring; ``name`` is for messages."""
    notes: dict[str, Any] = {}
    bom = next(((b, enc) for b, enc in BOMS if data.startswith(b)), None)

    if forced is not None:
        codec = lookup(forced)
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as e:
            raise _offset_error(name, data, codec, e, "; check --encoding") from None
        if bom is not None and text.startswith("\ufeff"):
            notes["bom_removed"] = bom[1]
        notes["encoding_source"] = "forced"
        return Decoded(text.removeprefix("\ufeff"), display_name(codec), notes)

    if bom is not None:
        mark, enc = bom
        try:
            text = data[len(mark):].decode(enc)
        except UnicodeDecodeError as e:
            e.start += len(mark)
            raise _offset_error(name, data, enc, e, " (after a byte-order mark)") from None
        notes.update(encoding_source="bom", bom_removed=enc)
        return Decoded(text, enc, notes)

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        utf8_error = e
    else:
        notes["encoding_source"] = "utf-8"
        if declared and lookup_or_none(declared) not in (None, "utf-8"):
            notes["declared_charset_ignored"] = declared  # valid UTF-8 is UTF-8
        return Decoded(text, "utf-8", notes)

    if _mostly_utf8(data):
        raise InputError(f"{name}: not valid UTF-8 at byte offset {utf8_error.start} "
                         f"({data[utf8_error.start:utf8_error.start + 4]!r}); the rest of the "
                         "file is UTF-8, so it is damaged; fix it or pass --encoding")

    if declared:
        meta = lookup_or_none(declared)
        if meta in LEGACY_ARABIC:
            # the two Arabic code pages were often mislabelled for each other: letters decide
            legacy = best_legacy_arabic(data)
            if legacy is not None and legacy[0] != meta:
                notes["declared_charset_overridden"] = declared
                meta = legacy[0]
        if meta is not None and meta != "utf-8":
            try:
                text = data.decode(meta)
            except UnicodeDecodeError:
                notes["declared_charset_failed"] = declared
            else:
                notes["encoding_source"] = "declared"
                return Decoded(text, display_name(meta), notes)

    legacy = best_legacy_arabic(data)
    if legacy is not None:
        codec, share, scores = legacy
        notes.update(encoding_source="detected", detector="arabic-letters",
                     confidence=round(share, 4), candidates=scores)
        return Decoded(data.decode(codec), display_name(codec), notes)

    guess = _charset_normalizer(data)
    if guess is not None:
        codec, text = guess
        notes.update(encoding_source="detected", detector="charset-normalizer")
        return Decoded(text, display_name(codec), notes)

    raise InputError(f"{name}: not valid UTF-8 at byte offset {utf8_error.start} "
                     f"({data[utf8_error.start:utf8_error.start + 4]!r}) and no other encoding "
                     "fits; pass --encoding NAME")


def lookup_or_none(encoding: str) -> str | None:
    try:
        return lookup(encoding)
    except UsageError:
        return None


_UTF8_SEQ = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


_ASCII = bytes(range(128))
_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))


def _mostly_utf8(data: bytes) -> bool:
    """True when most non-ASCII bytes form valid UTF-8 sequences (a damaged UTF-8 file).

    Legacy Arabic text almost never does: in windows-1256 a lead byte such as 0xC7 (ا) is followed
    by another letter (0xC1-0xFF), not by a continuation byte (0x80-0xBF).
    """
    sample = data[:1 << 20]
    high = len(sample) - _count_in(sample, _ASCII)
    if high == 0:
        return False
    in_seqs = len(sample) - len(_UTF8_SEQ.sub(b"", sample))
    return in_seqs >= 0.9 * high


@functools.cache
def _byte_classes(codec: str) -> tuple[bytes, bytes, bytes]:
    """Bytes that decode (in ``codec``) to an Arabic letter, to any letter, to a C1 control."""
    from translate.readers.detect import _ARABIC

    arabic, letters, c1 = bytearray(), bytearray(), bytearray()
    for b in range(128, 256):
        try:
            ch = bytes([b]).decode(codec)
        except UnicodeDecodeError:
            c1.append(b)  # undefined: as bad as a control character
            continue
        if _ARABIC.match(ch):
            arabic.append(b)
        if ch.isalpha():
            letters.append(b)
        if "\x80" <= ch <= "\x9f":
            c1.append(b)
    return bytes(arabic), bytes(letters), bytes(c1)


def _count_in(data: bytes, members: bytes) -> int:
    others = bytes(sorted(set(range(256)) - set(members)))
    return len(data.translate(None, delete=others))


def best_legacy_arabic(data: bytes) -> tuple[str, float, dict[str, float]] | None:
    """The legacy Arabic code page that makes ``data`` most Arabic, or None if none fits.

    Counting is done on the bytes with ``translate`` (linear, no decoding needed).
    """
    ascii_letters = _count_in(data, _ASCII_LETTERS)
    scores: dict[str, float] = {}
    for codec in LEGACY_ARABIC:
        arabic, letters, c1 = _byte_classes(codec)
        n_bad = _count_in(data, c1)
        total_letters = _count_in(data, letters) + ascii_letters
        share = _count_in(data, arabic) / total_letters if total_letters else 0.0
        # one control or undefined byte per hundred letters costs the whole score
        score = share - 100 * n_bad / max(total_letters, 1)
        scores[display_name(codec)] = round(score, 4)
    best = max(LEGACY_ARABIC, key=lambda c: scores[display_name(c)])  # ties: windows-1256
    share = scores[display_name(best)]
    if share < _MIN_LEGACY_SHARE:
        return None
    try:
        data.decode(best)
    except UnicodeDecodeError:
        return None
    return best, share, scores


def _charset_normalizer(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is None or match.encoding is None:
        return None
    try:
        return match.encoding, data.decode(match.encoding)
    except (UnicodeDecodeError, LookupError):
        return None

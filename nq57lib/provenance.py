"""Provenance helpers that need no heavy imports: the source-id pattern, assumption records and file checksums."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .text import render

# A source id as data/sources.csv writes it, ``<site label>-<8 hex of sha1(url)>`` (e.g. ``nhandan-1a2b3c4d``),
# for finding ids cited in free text (assumption bases).
SOURCE_ID_PATTERN = r"\b[a-z0-9][a-z0-9\-]*-[0-9a-f]{8}\b"


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes (the checksum recorded in datapackage.json)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


# Kinds of a number's origin, used in every output so a reader can tell them apart.
OBSERVED = "observed"   # read from a public source in data/
DERIVED = "derived"     # computed from observed numbers by stated arithmetic
ASSUMED = "assumed"     # a scenario or model input chosen by the user (or our default)


@dataclass(frozen=True)
class Assumption:
    """One labelled input of a model run: its value, unit, kind and where it came from.

    Projections and budget runs return their assumptions alongside the results, and reports
    print them, so every number in a report is either observed, derived (with its derivation),
    or an explicit assumption.
    """

    name: str  # stable, English: the key machines read
    value: float
    unit: str
    kind: str  # OBSERVED, DERIVED or ASSUMED
    label: str  # what it is, in plain words (a ``text.Phrase``: English text that renders in any language)
    basis: str = ""  # source id(s), derivation, or why this default was chosen (idem)

    def label_in(self, lang: str) -> str:
        """The label in ``lang`` (plain text stays as it is)."""
        return render(self.label, lang)

    def basis_in(self, lang: str) -> str:
        """The basis in ``lang`` (plain text stays as it is)."""
        return render(self.basis, lang)

    def as_dict(self, lang: str = "en") -> dict:
        return {"name": self.name, "value": self.value, "unit": self.unit, "kind": self.kind,
                "label": self.label_in(lang), "basis": self.basis_in(lang)}

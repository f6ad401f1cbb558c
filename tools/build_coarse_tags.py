"""Build data/imagenet_coarse_tags.csv: each of the 1000 ImageNet-1k classes -> one coarse tag.

ImageNet class ids such as n02124075 are WordNet 3.0 noun synsets ('n' + the 8-digit byte
offset of the synset's line in WordNet's data.noun). We follow the hypernym ('is a kind of')
pointers up from each class and give it the first coarse tag in COARSE_TAGS whose anchor
synset is among its ancestors; classes under none of them get 'other'.

Usage (from the course root):  python -m tools.build_coarse_tags [--wordnet DIR] [--check]
  --wordnet DIR  folder holding WordNet 3.0's data.noun (default /usr/share/wordnet, which
                 Debian's wordnet-base package installs);
  --check        rebuild in memory and exit 1 if the shipped file differs.
Needs timm (for the class order and wnids) and nothing else outside the standard library.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections import deque
from pathlib import Path

from tools.project import ROOT

OUT = ROOT / "data" / "imagenet_coarse_tags.csv"
DEFAULT_WORDNET = Path("/usr/share/wordnet")

# Coarse tag -> anchor synsets (WordNet 3.0 noun offsets, with their first lemma for reading).
# Order matters: WordNet has multiple inheritance, and the first tag that matches wins
# (e.g. 'Granny Smith' is both an edible fruit (food) and a plant part: food comes first).
COARSE_TAGS = [
    ("person", {"00007846": "person"}),
    ("animal", {"00015388": "animal"}),
    (
        "food",
        {
            "00021265": "food (nutrient)",
            "07555863": "food (solid food)",
            "07705711": "produce",
        },
    ),
    (
        "plant",
        {"00017222": "plant", "12992868": "fungus", "13086908": "plant_part"},
    ),
    ("vehicle", {"04524313": "vehicle", "03100490": "conveyance"}),
    (
        "clothing",
        {
            "03051540": "clothing",
            "03380867": "footwear",
            "03502509": "headdress",
        },
    ),
    ("furniture", {"03405725": "furniture"}),
    ("structure", {"04341686": "structure"}),
    ("container", {"03094503": "container"}),
    ("musical instrument", {"03800933": "musical_instrument"}),
    (
        "device",
        {
            "03183080": "device",
            "03294048": "equipment",
            "03563967": "implement",
        },
    ),
    ("landscape", {"09287968": "geological_formation"}),
]
OTHER = "other"
COARSE_ORDER = [name for name, _ in COARSE_TAGS] + [OTHER]

HEADER = """\
# ImageNet-1k classes (model output order) rolled up to coarse tags along WordNet 3.0 hypernyms.
# Built by tools/build_coarse_tags.py from WordNet 3.0 data.noun and timm's ImageNet-1k class list.
# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. Used under the
# WordNet 3.0 licence (permission to use, copy, modify and distribute for any purpose without fee,
# keeping this notice; provided "as is" without warranty): https://wordnet.princeton.edu/license-and-commercial-use
# columns: index (model output), wnid, name (first ImageNet name), coarse (tag),
#          via (the WordNet synset that decided it), path (hypernym chain from the class up to it)
"""


def read_wordnet_nouns(data_noun: Path) -> tuple[dict, dict]:
    """Parse WordNet's data.noun -> (hypernyms: offset -> [offsets], lemmas: offset -> [words])."""
    if not data_noun.is_file():
        raise FileNotFoundError(
            f"{data_noun} not found; install WordNet 3.0 (Debian: apt-get install "
            f"wordnet-base) or pass --wordnet DIR holding data.noun"
        )
    hypernyms, lemmas = {}, {}
    with open(data_noun, encoding="latin-1") as f:
        for line in f:
            # the licence header lines start with two spaces
            if line.startswith("  "):
                continue
            fields = line.split(" | ", 1)[0].split()
            # the word count is hexadecimal
            offset, n_words = (fields[0], int(fields[3], 16))
            lemmas[offset] = [fields[4 + 2 * i] for i in range(n_words)]
            i = 4 + 2 * n_words
            n_pointers, i = int(fields[i]), i + 1
            ups = []
            for _ in range(n_pointers):
                symbol, target, pos = fields[i], fields[i + 1], fields[i + 2]
                i += 4  # symbol, offset, part of speech, source/target
                # hypernym, instance hypernym
                if symbol in ("@", "@i") and pos == "n":
                    ups.append(target)
            hypernyms[offset] = ups
    return hypernyms, lemmas


def hypernym_paths(offset: str, hypernyms: dict) -> dict:
    """Breadth-first walk up from offset -> {ancestor: shortest chain [offset, ..., ancestor]}."""
    paths = {offset: [offset]}
    queue = deque([offset])
    while queue:
        node = queue.popleft()
        for up in hypernyms.get(node, []):
            if up not in paths:
                paths[up] = paths[node] + [up]
                queue.append(up)
    return paths


def imagenet_classes() -> list[tuple[str, str]]:
    """The 1000 (wnid, first name) pairs in model output order, from timm."""
    from timm.data import ImageNetInfo

    info = ImageNetInfo()
    return [
        (
            info.index_to_label_name(i),
            info.index_to_description(i).split(",")[0].strip(),
        )
        for i in range(info.num_classes())
    ]


def build_rows(wordnet_dir: Path = DEFAULT_WORDNET) -> list[dict]:
    """Map every ImageNet class to a coarse tag -> list of 1000 row dicts (CSV columns)."""
    hypernyms, lemmas = read_wordnet_nouns(Path(wordnet_dir) / "data.noun")
    rows = []
    for index, (wnid, name) in enumerate(imagenet_classes()):
        offset = wnid[1:]
        if not (wnid.startswith("n") and offset in hypernyms):
            raise ValueError(
                f"class {index} {wnid!r} is not a WordNet 3.0 noun synset"
            )
        paths = hypernym_paths(offset, hypernyms)
        coarse, via, chain = OTHER, "", []
        for tag, anchors in COARSE_TAGS:
            hits = [a for a in anchors if a in paths]
            if hits:
                # the nearest anchor
                best = min(hits, key=lambda a: (len(paths[a]), a))
                coarse, via, chain = tag, anchors[best], paths[best]
                break
        rows.append(
            {
                "index": index,
                "wnid": wnid,
                "name": name,
                "coarse": coarse,
                "via": via,
                "path": " > ".join(lemmas[o][0] for o in chain),
            }
        )
    return rows


def to_csv(rows: list[dict]) -> str:
    """Rows -> the shipped CSV text (licence header as '#' lines, then a header row)."""
    buf = io.StringIO()
    buf.write(HEADER)
    writer = csv.DictWriter(
        buf,
        fieldnames=["index", "wnid", "name", "coarse", "via", "path"],
        lineterminator="\n",
    )
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet", type=Path, default=DEFAULT_WORDNET)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = to_csv(build_rows(args.wordnet))
    if args.check:
        same = OUT.is_file() and OUT.read_text(encoding="utf-8") == text
        print(
            f"{OUT.relative_to(ROOT)}: {'up to date' if same else 'DIFFERS from a fresh build'}"
        )
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    counts = {}
    for row in csv.DictReader(
        line for line in text.splitlines() if not line.startswith("#")
    ):
        counts[row["coarse"]] = counts.get(row["coarse"], 0) + 1
    print(
        f"wrote {OUT.relative_to(ROOT)}: "
        + ", ".join(f"{t} {counts.get(t, 0)}" for t in COARSE_ORDER)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Provenance: which article repeats, syndicates, paraphrases or cites which.

Each stage links new articles to stored ones with `ProvenanceLink` records (``article_id`` is
the later copy or the citing article, ``source_article_id`` the original or the cited one):

* `ExactDuplicates` (``duplicate``): identical normalised bodies;
* `NearDuplicates` (``near-duplicate``): word 5-shingle Jaccard >= 0.8, MinHash LSH candidates;
* `Syndication` (``syndicated``): a copy group spanning several outlets, each republication
  pointing at the wire original; `syndicated_article_ids` lists the republications;
* `Paraphrase` (``paraphrase``): most of the later article's sentences restate the earlier's;
* `Citations` (``cites``): "AFP reported", "according to Reuters", "told CNN".

Run them in that order (syndication and paraphrase read the duplicate links).
"""

from parallax.provenance.citations import Citation, Citations, extract_citations
from parallax.provenance.duplicates import ExactDuplicates, NearDuplicates, duplicate_links
from parallax.provenance.paraphrase import Paraphrase
from parallax.provenance.syndication import Syndication, syndicated_article_ids, wire_credits

__all__ = [
    "Citation",
    "Citations",
    "ExactDuplicates",
    "NearDuplicates",
    "Paraphrase",
    "Syndication",
    "duplicate_links",
    "extract_citations",
    "syndicated_article_ids",
    "wire_credits",
]

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DISCLOSURES = ROOT / "disclosures"
GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLES = [
    "sichuan-samr-data-center-2025",
    "sichuan-gov-office-it-center-2025",
    "shenzhen-public-credit-center-2022",
    "nantong-samr-projects-2024",
]
sys.path.insert(0, str(Path(__file__).resolve().parent))
# the time every build of the tests records in its change log (changes.built_at): builds of the same inputs
# give the same bytes, in this process and in the `yusuan` processes it starts
BUILT_AT_EPOCH = "1735689600"  # 2025-01-01T00:00:00Z
os.environ["SOURCE_DATE_EPOCH"] = BUILT_AT_EPOCH


@pytest.fixture(scope="session")
def read_sample():
    """Read a bundled sample once per test session (with its catalog entry)."""
    from pipeline.catalog import load_catalog
    from pipeline.read import read_document

    catalog = load_catalog(DISCLOSURES)
    cache = {}

    def read(doc_id: str):
        if doc_id not in cache:
            cache[doc_id] = read_document(DISCLOSURES / f"{doc_id}.txt", catalog[f"{doc_id}.txt"])
        return cache[doc_id]

    return read

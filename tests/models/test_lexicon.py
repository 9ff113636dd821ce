"""The dictionary of ordinary Indonesian words. Every word here is a dictionary word or made up."""

from made_up_names import made_up_word

from models import lexicon
from models.lexicon import STEM_CACHE_SIZE, is_derived_word, is_ordinary_word


def test_roots_and_their_derived_forms_are_words_and_given_names_are_not():
    assert is_ordinary_word("tunggu") and is_ordinary_word("ditunggu") and is_ordinary_word("kehadiran")
    assert is_derived_word("daftarin") and not is_derived_word("paimin")
    assert not is_ordinary_word("Dewi") and not is_ordinary_word("Rohmawati")


def test_the_stems_remembered_between_calls_are_bounded():
    # Sastrawi's own stemmer keeps every word it ever stemmed: in a serving process, every new word of every report.
    for i in range(STEM_CACHE_SIZE + 300):
        is_derived_word(made_up_word("di", i) + "kan")
    assert lexicon._stem.cache_info().currsize == STEM_CACHE_SIZE

"""Is a report too vague to act on, and what should the reporter be asked for?

The gold standard and its definitions are ``data/annotations/vague_guidelines.md``: a report is
vague when an officer could not act on it without first asking the reporter for more. Four
reasons say what is missing, each with a request the reviewer can send back:

``no_problem``               no identifiable problem, object or request (a plea, a topic word, a place alone)
``no_location``              the problem is tied to a place and the text gives no usable place (and the
                             report has no GPS point: a PetaBencana point is the location)
``greeting_or_hashtag_only`` the whole text is greeting, thanks, hashtags, emoji or filler
``too_short``                at most two words that state nothing, or a fragment whose meaning is lost

Three layers share one vocabulary (:mod:`~models.vagueness.vocabulary`): the cue detectors
(:mod:`~models.vagueness.cues`), the rules that turn cues into reasons (:mod:`~models.vagueness.rules`),
and the scorer (:mod:`~models.vagueness.scorer`). How each round of cues was measured:
``docs/experiments.md``.
"""

# Bundles registered before this package was split pickled the scorer as `models.vagueness.VaguenessScorer`.
from models.vagueness.scorer import VaguenessScorer

__all__ = ["VaguenessScorer"]

"""Mask personal data in Indonesian report text before it is stored, shown or logged.

Real complaint texts carry the reporter's NIK/KK number, phone numbers, e-mail addresses, vehicle plates
and names (see the PII warning in the data README). Every text that enters the project goes through
:func:`models.privacy.redactor.mask_pii`, which replaces those with typed placeholders (``[EMAIL]``,
``[NIK]``, ``[TELEPON]``, ``[PLAT]``, ``[NAMA]``) and leaves everything else as written, so models still see
that a phone number or a name was given and where, but never whose.

- :mod:`~models.privacy.pattern`: what a rule finds (a typed span) and how a rule is written (a pattern row);
- :mod:`~models.privacy.numbers`: the e-mail, NIK/KK, phone and plate rules;
- :mod:`~models.privacy.name_words`: the word lists and tests that tell a name from an ordinary word;
- :mod:`~models.privacy.name_reading`: how a name is read from where a rule says one starts;
- :mod:`~models.privacy.names`: the rules that find names where something introduces them, and whose each is;
- :mod:`~models.privacy.redactor`: the rules in precedence order, the spans, the masked text and the version.

How well it does is measured on hand-annotated Surabaya reports (``python -m training.evaluate_pii --part
<part>``): see ``docs/experiments.md`` and ``data/annotations/pii_guidelines.md``.
"""

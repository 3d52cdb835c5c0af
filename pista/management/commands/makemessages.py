"""``makemessages`` without gettext's fuzzy matching.

msgmerge guesses a translation for every new msgid from a similar old one and
flags it fuzzy; such guesses are usually wrong, and the catalogue test refuses
fuzzy entries anyway. New strings arrive empty, for a translator to fill.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

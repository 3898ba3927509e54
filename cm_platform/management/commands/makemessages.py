"""Django's makemessages, also finding the texts of stored reasons (cm_platform/reasons.py).

Django documents subclassing the command to pass xgettext more options; `reason("...")` marks
a message id as `gettext_noop` does, and is rendered in each reader's language later.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=reason"]

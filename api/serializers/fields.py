from django.core.exceptions import ValidationError
from rest_framework import serializers

from posts.timing import validate_day_in_range


class InstantField(serializers.DateTimeField):
    """A date-time a client sends: within the dates the desk takes (posts/timing.py), so no page
    later fails converting it to a brand's zone. Every input date-time of the API is one."""

    def enforce_timezone(self, value):
        # Checked before DRF converts it: 0001-01-01 overflows there (OverflowError, a 500).
        try:
            validate_day_in_range(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages, code="date_out_of_range") from None
        return super().enforce_timezone(value)

from django.core.exceptions import ValidationError
from rest_framework import serializers

from core.timing import validate_day_in_range


class InstantField(serializers.DateTimeField):
    """A date-time a client sends: within the dates the desk takes (core/timing.py), so no page
    later fails converting it to a brand's zone. Every input date-time of the API is one."""

    def enforce_timezone(self, value):
        # Checked before DRF converts it: 0001-01-01 overflows there (OverflowError, a 500).
        try:
            validate_day_in_range(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages, code="date_out_of_range") from None
        return super().enforce_timezone(value)


class TextField(serializers.CharField):
    """A text a client sends, as the schema describes it: a JSON string (DRF's CharField also
    takes 12 or true and makes "12", "True" of them), whose `max_length` counts what was sent
    (DRF counts after trimming: 10,000 characters and a few spaces passed a maxLength of 10,000).
    """

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and isinstance(data, str) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)

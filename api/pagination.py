from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from cm_platform.ids import parse_id


class Pagination(PageNumberPagination):
    """`?page=N` from 1, 50 items by default, `?page_size=` up to 200 for scripts that sync everything.

    A page or a size that is no count (0, -3, "x") is a 400 naming the parameter (DRF would serve
    the first page, or its default size, as if asked); a page past the last one is DRF's 404
    (documented in the schema, api/schema.py); a size above 200 is served as 200.
    """

    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        page = request.query_params.get(self.page_query_param)
        if page is not None and page not in self.last_page_strings and parse_id(page) is None:
            raise ValidationError({self.page_query_param: [_("Give a page number, from 1.")]})
        size = request.query_params.get(self.page_size_query_param)
        if size is not None and parse_id(size) is None:
            raise ValidationError({self.page_size_query_param: [_("Give a number of items per page, from 1.")]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters

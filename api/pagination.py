from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`?page=N`, 50 items by default, `?page_size=` up to 200 for scripts that sync everything."""

    page_size_query_param = "page_size"
    max_page_size = 200

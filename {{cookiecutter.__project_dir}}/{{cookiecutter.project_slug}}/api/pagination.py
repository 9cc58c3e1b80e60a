from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's, with `page` exactly what the schema says: one whole number from 1. DRF would serve page 1
    for an empty or repeated `page` and the last page for `page=last`; here those are a 400."""

    def get_page_number(self, request, paginator):
        values = request.query_params.getlist(self.page_query_param)
        if not values:
            return 1
        if len(values) > 1 or not (values[0].isascii() and values[0].isdigit()):
            raise ValidationError({self.page_query_param: ["A page is one whole number from 1."]})
        return values[0]  # out of range: DRF's 404

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters

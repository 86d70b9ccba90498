"""The API's move endpoints, generated from the moves' one declaration (:class:`portal.workflow.MoveEntry`).

``@with_move_actions(ENTRIES)`` on a ViewSet adds, per entry, ``POST /<resource>/{id}/<api_name>/`` (URL
name ``<basename>-<api_name>``): the object as the ViewSet fetches it (``get_object``: 404 for whom may not
see it), the entry's input serializer, the entry's ``run`` (the action: its guard decides who may and
when; errors become 400/403/409 in the API's error handler), and the answer — the object's detail
(``move_response``, overridable) or, with ``api_result``, what the action returned. The page's generic
view reads the same entries, so a move exists in both or in neither.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response


def _endpoint(entry, response_serializer):
    def handler(self, request, pk=None):
        obj = self.get_object()
        data = {}
        if entry.serializer is not None:
            serializer = entry.serializer(data=request.data, context=self.get_serializer_context())
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        result = entry.run(request.user, obj, data)
        if entry.api_result is not None:
            serializer_class, code = entry.api_result
            return Response(serializer_class(result, context=self.get_serializer_context()).data, status=code)
        return self.move_response(obj)

    handler.__name__ = f"move_{entry.name}"
    if entry.api_result is not None:
        responses = {entry.api_result[1]: entry.api_result[0]}
    else:
        responses = {status.HTTP_200_OK: response_serializer}
    handler = action(detail=True, methods=["post"], url_path=entry.api_name, url_name=entry.api_name)(handler)
    return extend_schema(request=entry.serializer, responses=responses, description=entry.description)(handler)


def with_move_actions(entries):
    """Class decorator: one POST action per move entry (``entries``: name → MoveEntry)."""

    def decorate(viewset_class):
        for entry in entries.values():
            setattr(viewset_class, f"move_{entry.name}", _endpoint(entry, viewset_class.serializer_class))
        if not hasattr(viewset_class, "move_response"):
            viewset_class.move_response = lambda self, obj: Response(self.get_serializer(obj).data)
        viewset_class.move_entries = entries
        return viewset_class

    return decorate

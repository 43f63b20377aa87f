from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView


class TokenView(ObtainAuthToken):
    """POST username and password; returns {"token": "..."} for `Authorization: Token …`."""

    @extend_schema(
        request=inline_serializer(
            "TokenRequest", {"username": serializers.CharField(), "password": serializers.CharField()}
        ),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField()
    role_display = serializers.CharField()
    area = serializers.CharField(allow_null=True)
    area_name = serializers.CharField(allow_null=True)


class MeView(APIView):
    """The authenticated user's role and area scope."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        return Response(
            MeSerializer(
                {
                    "username": user.username,
                    "role": user.role,
                    "role_display": user.get_role_display(),
                    "area": user.area_id,
                    "area_name": user.area.name if user.area_id else None,
                }
            ).data
        )

from django.contrib.auth.signals import user_login_failed
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.serializers import PortalModelSerializer

from ..error_codes import AccountsCode
from ..middleware import otp_required_for
from ..models import ApiToken
from ..otp import confirmed_device
from ..services import api_token_create, api_token_revoke
from ..tokens import ClientRateThrottle
from ..views import lockout_response


class TokenView(APIView):
    """POST username and password (and `otp_token` for accounts with a second factor); returns
    {"token": "...", "expires": "..."} for `Authorization: Token …`. The key is shown only here: the
    portal keeps its hash. Rate-limited per client (scope `token`)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {
                "username": serializers.CharField(),
                "password": serializers.CharField(),
                "otp_token": serializers.CharField(required=False),
                "name": serializers.CharField(required=False),
            },
        ),
        responses={
            200: inline_serializer(
                "TokenResponse", {"token": serializers.CharField(), "expires": serializers.DateTimeField()}
            ),
            400: OpenApiResponse(description="用户名、密码或动态口令不正确"),
            403: OpenApiResponse(description="该账号须先设置二次验证"),
            429: OpenApiResponse(description="登录失败次数过多，暂时锁定；或请求过于频繁"),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid() and getattr(request, "axes_locked_out", False):
            # django-axes flags the DRF request, which its middleware never sees: answer here.
            return lockout_response(request)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        device = confirmed_device(user)
        if device is None and otp_required_for(user):
            raise PortalError(AccountsCode.OTP_SETUP_REQUIRED, status=403)
        if device is not None:
            allowed, _extra = device.verify_is_allowed()
            if not (allowed and device.verify_token(str(request.data.get("otp_token", "")).strip())):
                user_login_failed.send(
                    sender=__name__, credentials={"username": user.get_username()}, request=request
                )
                raise PortalError(AccountsCode.OTP_INVALID, field="otp_token")
        token, key = api_token_create(actor=user, name=str(request.data.get("name", "")), request=request)
        return Response({"token": key, "expires": token.expires})


class ApiTokenSerializer(PortalModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created", "expires", "last_used"]


class TokenListView(APIView):
    """The signed-in user's API tokens (never the keys). Any role, auditors included."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ApiTokenSerializer(many=True))
    def get(self, request):
        tokens = ApiToken.objects.filter(user=request.user)
        return Response(ApiTokenSerializer(tokens, many=True).data)


class TokenDetailView(APIView):
    """DELETE revokes one of the signed-in user's tokens."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        api_token_revoke(token=token, actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField()
    role_display = serializers.CharField()
    area = serializers.CharField(allow_null=True)
    area_name = serializers.CharField(allow_null=True)


class MeView(APIView):
    """The authenticated user's role and area scope."""

    # Any signed-in user, auditors included (the default refuses them): they must see who they are.
    permission_classes = [IsAuthenticated]

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

from django.contrib.auth.signals import user_login_failed
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from hechuan_portal.common.errors import PortalError

from ..error_codes import AccountsCode
from ..middleware import otp_required_for
from ..otp import confirmed_device
from ..views import lockout_response


class TokenView(ObtainAuthToken):
    """POST username and password (and `otp_token` for accounts with a second factor); returns
    {"token": "..."} for `Authorization: Token …`."""

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {
                "username": serializers.CharField(),
                "password": serializers.CharField(),
                "otp_token": serializers.CharField(required=False),
            },
        ),
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: OpenApiResponse(description="用户名、密码或动态口令不正确"),
            403: OpenApiResponse(description="该账号须先设置二次验证"),
            429: OpenApiResponse(description="登录失败次数过多，暂时锁定"),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except serializers.ValidationError:
            # django-axes flags the DRF request, which its middleware never sees: answer here.
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request)
            raise
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
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


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

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .services import MIN_REASON_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(label=_("身份证号或姓名"), max_length=64, required=False)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("查看事由"),
        min_length=MIN_REASON_LENGTH,
        max_length=200,
        help_text=_("将记入审计日志，例如：核对高龄津贴发放账户。"),
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("户籍数据文件（CSV 或 XLSX）"))
    extract_date = forms.DateField(label=_("数据提取日期"), initial=timezone.localdate)
    source = forms.CharField(
        label=_("数据来源"), max_length=64, required=False, initial=_("区公安分局户籍数据")
    )
    skip_invalid = forms.BooleanField(label=_("跳过错误行，导入其余数据"), required=False)

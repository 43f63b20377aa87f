"""Stable error codes of the household registry (API `code`, tests assert them); labels are the messages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErrorCode(models.TextChoices):
    REVEAL_NOT_ALLOWED = "reveal_not_allowed", _("您的角色无权查看完整身份证号")
    REASON_REQUIRED = "reason_required", _("请填写查看事由（至少 %(n)d 个字）")
    MOVE_IN_DATE = "move_in_date", _("迁入日期应在迁出日期之后，且不晚于今天")
    # A household extract refused as a whole (residents.importer.ImportFailed); nothing was written.
    IMPORT_FILE_UNREADABLE = "import_file_unreadable", _("%(reason)s")
    IMPORT_WORKER_FAILED = "import_worker_failed", _("导入进程意外中止，未导入任何数据，请重新导入")
    IMPORT_ROWS_INVALID = "import_rows_invalid", _("文件中有 %(count)d 行数据有误，未导入任何数据")
    IMPORT_NO_ROWS = "import_no_rows", _("文件中没有数据行")
    IMPORT_REGISTER_NOT_EMPTY = (
        "import_register_not_empty",
        _("户籍人口表中已有数据，首次导入只能用于空表，请使用常规导入"),
    )
    ID_IN_URL = "id_number_in_url", _("身份证号不能写在网址中，请在查询框中输入后提交。")

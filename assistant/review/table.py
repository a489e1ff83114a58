"""The checker's table: flag kind -> the pure function that finds flags of that kind.

``CHECKS`` is what ``check()`` runs; ``FIRST_CHECKS`` is the checker as it was before the
model-style kinds were added (numbers, samples, clause-level status, titles, placeholders),
kept runnable so the eval can measure it beside the current one in the same run.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.models import Flag
from assistant.review import core
from assistant.review.citation import wrong_citation
from assistant.review.claims import unsupported_claim
from assistant.review.comparison import unsupported_comparison
from assistant.review.context import Context
from assistant.review.names import unsupported_name
from assistant.review.status import role_mismatch, status_shift

Check = Callable[[Context], list[Flag]]

# Chinese names of the kinds, for the CLI, the UI and the eval.
KIND_LABELS: dict[str, str] = {
    "unsupported_number": "数字无素材依据",
    "changed_number": "数字与素材不一致",
    "copied_from_sample": "照抄了范文内容",
    "status_shift": "完成状态与素材不符",
    "unsupported_title": "文件名称无素材依据",
    "placeholder_left": "待补充/占位符",
    "unsupported_claim": "内容无素材依据",
    "unsupported_name": "名称无素材依据",
    "wrong_citation": "引用的素材不对",
    "unsupported_comparison": "比较无素材依据",
    "role_mismatch": "放错了位置",
}
VERDICT_LABELS: dict[str, str] = {"pass": "通过", "flagged": "有待核实", "unverified": "未能审核"}

FIRST_CHECKS: dict[str, Check] = {
    "copied_from_sample": core.copied_from_sample,
    "changed_number": core.changed_number,
    "unsupported_number": core.unsupported_number,
    "status_shift": core.status_shift_clause,
    "unsupported_title": core.unsupported_title,
    "placeholder_left": core.placeholder_left,
}

CHECKS: dict[str, Check] = {
    **FIRST_CHECKS,
    "changed_number": core.changed_number_strict,
    "unsupported_number": core.unsupported_number_strict,
    "status_shift": status_shift,
    "unsupported_name": unsupported_name,
    "wrong_citation": wrong_citation,
    "unsupported_comparison": unsupported_comparison,
    "role_mismatch": role_mismatch,
    "unsupported_claim": unsupported_claim,
}

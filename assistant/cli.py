"""Command line: `assistant outline|index|remove|search|plan|draft|check|eval|bench`.

The `--json` shapes are public interfaces (scripts rely on them): add fields, never rename.
User errors print their Chinese message and exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import Settings
from assistant.errors import AssistantError, NoFactsError
from assistant.models import ROLE_LABELS, Report, Role
from assistant.service import Assistant, parse_role

if TYPE_CHECKING:
    from assistant.plan import Plan


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def outline_dict(report: Report) -> dict[str, Any]:
    """The public JSON of `assistant outline --json`."""
    return {
        "source": report.source,
        "title": report.title,
        "sections": [s.outline_dict() for s in report.sections],
        "warnings": list(report.warnings),
    }


def _cmd_outline(args: argparse.Namespace, app: Assistant) -> int:
    report = app.outline(args.file)
    if args.json:
        _print_json(outline_dict(report))
        return 0
    print(f"《{report.title}》  （{report.source}）")
    for s in report.sections:
        indent = "  " * max(s.level - 1, 0)
        heading = s.heading or "（开头）"
        extra = []
        if s.shape.n_children:
            extra.append(f"{s.shape.n_children}个下级标题")
        if s.shape.n_points:
            extra.append(f"{s.shape.n_points}点")
        if s.shape.placeholders:
            extra.append(f"{s.shape.placeholders}处占位符")
        sure = f"，把握{s.role_confidence:.0%}" if s.role_confidence < 0.9 else ""
        print(f"{indent}{heading}  [{s.role.label}{sure}] {s.shape.chars}字 {'，'.join(extra)}")
    for w in report.warnings:
        print(f"提示：{w}")
    return 0


def _cmd_role(args: argparse.Namespace, app: Assistant) -> int:
    res = app.correct_role(args.report, args.section, args.role)
    before, after = res["before"], res["after"]
    heading = after.get("heading") or "（开头）"
    print(
        f"已将“{args.report}”的段落 {after['id']} “{heading}”改为"
        f"“{Role(after['role']).label}”（原为“{Role(before['role']).label}”）。"
    )
    _record_library(
        app, "role", [args.report], f"段落 {after['id']} {heading}：{Role(before['role']).label} → {Role(after['role']).label}（assistant role）"
    )
    others = [sid for sid in res["changed"] if sid != after["id"]]
    if others:
        print(f"沿用其类型的下级段落 {'、'.join(others)} 也随之更改。")
    print("更正已保存在范文库中，重新导入同一文件后仍然有效，检索立即按新类型进行。")
    return 0


def _progress(done: int, total: int, name: str) -> None:
    print(f"[{done}/{total}] {name}", file=sys.stderr)


def _record_library(app: Assistant, action: str, targets: list[str], detail: str = "") -> None:
    """Log a 范文库 change made from the command line, as the machine's user (the app logs the
    signed-in user). A log that cannot be written warns; the change itself stands."""
    if not targets:
        return
    import pwd

    from assistant.sessions import SessionStore

    who = pwd.getpwuid(os.getuid()).pw_name
    try:
        store = SessionStore.from_settings(app.settings).for_user(f"cli:{who}", f"命令行（{who}）")
        for target in targets:
            store.record_library(action, target, detail)
    except AssistantError as exc:
        print(f"（未能写入操作记录：{exc}）", file=sys.stderr)


def _cmd_index(args: argparse.Namespace, app: Assistant) -> int:
    result = app.build_index(args.paths or None, prune=args.prune, progress=_progress)
    _record_library(app, "upload", result.added + result.updated, "assistant index")
    _record_library(app, "delete", result.removed, "assistant index --prune")
    if args.json:
        _print_json(result.to_dict())
    else:
        for m in result.messages:
            print(m)
        print(
            f"新增 {len(result.added)} 篇，更新 {len(result.updated)} 篇，未变 {len(result.skipped)} 篇，"
            f"删除 {len(result.removed)} 篇，失败 {len(result.failed)} 篇；索引共 {result.n_sections} 个段落。"
        )
        for path, err in result.failed:
            print(f"失败：{path}：{err}", file=sys.stderr)
    return 0


def _cmd_remove(args: argparse.Namespace, app: Assistant) -> int:
    app.remove_report(args.report)
    _record_library(app, "delete", [args.report], "assistant remove")
    print(f"已从范文库删除“{args.report}”。")
    return 0


def _cmd_search(args: argparse.Namespace, app: Assistant) -> int:
    results = app.search(args.role, args.topic, k=args.k)
    if args.json:
        _print_json(
            {
                "results": [
                    {
                        "report": e.report,
                        "title": e.title,
                        "heading": e.heading,
                        "path": e.path,
                        "role": str(e.role),
                        "n_points": e.n_points,
                        "score": e.score,
                        "why": e.why,
                        "text": e.text,
                        # added fields
                        "section_id": e.section_id,
                        "level": e.level,
                        "n_children": e.n_children,
                        "heading_style": e.heading_style,
                    }
                    for e in results
                ]
            }
        )
        return 0
    if not results:
        print("没有找到相符的范文段落。")
    for i, e in enumerate(results, 1):
        where = " > ".join([*e.path, e.heading]) or "（开头）"
        print(f"{i}. 《{e.title}》 {where}  [{e.role.label}] 得分 {e.score:.3f}")
        terms = e.why.get("shared_terms") or []
        if terms:
            print(f"   共同词：{'、'.join(terms)}")
        print("   " + e.text[:120].replace("\n", " ") + ("…" if len(e.text) > 120 else ""))
    return 0


def _read_text(path: str) -> str:
    from assistant.corpus.load import read_text_file

    return read_text_file(Path(path))


def _plan_lines(plan: Plan) -> list[str]:
    lines = [f"参照《{plan.report_title}》的结构，提纲如下：" if plan.report_title else "提纲如下："]
    for i, it in enumerate(plan.items, 1):
        note = "" if it.drafted else "  （需概括全文，定稿后补写）"
        used = f"  素材：{'、'.join(it.fact_ids)}" if it.fact_ids else ""
        lines.append(f"{i}. {it.display_heading} [{it.role.label}]{it.form}{used}{note}")
    if plan.unplaced:
        lines.append(f"没有对应部分的素材：{'、'.join(plan.unplaced)}")
    return lines


def _cmd_plan(args: argparse.Namespace, app: Assistant) -> int:
    from assistant.plan import allocate

    plan = app.plan_from_sample(args.sample)
    if args.facts:
        plan = allocate(plan, app.parse_facts(_read_text(args.facts)))
    if args.json:
        _print_json(plan.to_dict())
    else:
        print("\n".join(_plan_lines(plan)))
    return 0


def _cmd_draft_report(args: argparse.Namespace, app: Assistant) -> int:
    from assistant.plan import default_plan

    facts = app.parse_facts(_read_text(args.facts))
    if not facts:
        raise NoFactsError()
    plan = app.plan_from_sample(args.sample) if args.sample else default_plan()
    planned, steps = app.draft_report(plan, facts, engine=args.engine)
    if args.json:
        _print_json(
            {
                "plan": planned.to_dict(),
                "sections": [
                    {
                        "key": st.item.key,
                        "heading": st.item.heading,
                        "role": str(st.item.role),
                        "status": st.status,
                        "fact_ids": st.item.fact_ids,
                        "error": st.error,
                        "draft": st.result.to_dict() if st.result else None,
                    }
                    for st in steps
                ],
            }
        )
        return 0
    for line in _plan_lines(planned):
        print(line, file=sys.stderr)
    for st in steps:
        name = st.item.heading or st.item.sample_heading or st.item.role.label
        if st.status == "drafted" and st.result is not None:
            if st.result.notice:
                print(f"提示：{st.result.notice}", file=sys.stderr)
            print(st.result.text)
            print()
        elif st.status == "empty":
            print(f"（{name}：素材里没有与之对应的内容，暂未起草）", file=sys.stderr)
        elif st.status == "failed":
            print(f"（{name}：未能起草：{st.error}）", file=sys.stderr)
        else:
            print(f"（{name}：需要概括全文，请在各部分定稿后补写）", file=sys.stderr)
    return 0


def _cmd_draft(args: argparse.Namespace, app: Assistant) -> int:
    if args.report:
        return _cmd_draft_report(args, app)
    if args.role is None:
        raise AssistantError("请用 --role 指定要起草的段落类型，或用 --report 起草全文。")
    from assistant.draft.allocate import select_facts, selection_note

    facts = app.parse_facts(_read_text(args.facts))
    if not facts:
        raise NoFactsError()
    # A section from the facts of its role (as in the chat); --all-facts takes them all.
    sel = select_facts(args.role, facts, only=[f.id for f in facts] if args.all_facts else None)
    if not sel.used:
        raise AssistantError(f"{selection_note(sel)}素材里没有适合“{args.role.label}”的内容。")
    draft = app.draft(args.role, sel.used, engine=args.engine)
    if args.json:
        _print_json({**draft.to_dict(), "fact_selection": sel.to_dict()})
        return 0
    if len(sel.used) < len(facts) or sel.unclear:
        print(f"提示：{selection_note(sel)}", file=sys.stderr)
    if draft.notice:
        print(f"提示：{draft.notice}", file=sys.stderr)
    print(draft.text)
    print()
    print(f"审核结论：{draft.review.verdict}；问题 {len(draft.review.flags)} 处")
    for f in draft.review.flags:
        print(f"  [{f.kind}] “{f.text}”：{f.reason}")
    if draft.review.unused_facts:
        print(f"  未使用的素材：{'、'.join(draft.review.unused_facts)}")
    return 0


def _cmd_check(args: argparse.Namespace, app: Assistant) -> int:
    facts = app.parse_facts(_read_text(args.facts))
    draft_text = _read_text(args.draft)
    exemplars = [e for sample in args.sample for e in app.sample_exemplars(sample)]
    if args.role is not None and app.index.count():
        exemplars += app.search(args.role, draft_text, k=5)
    review = app.check(draft_text, facts, exemplars, args.role)
    if args.json:
        _print_json(review.to_dict())
        return 0
    from assistant.review.table import KIND_LABELS, VERDICT_LABELS

    print(f"审核结论：{VERDICT_LABELS.get(review.verdict, review.verdict)}")
    for f in review.flags:
        print(f"  [{KIND_LABELS.get(f.kind, f.kind)}] {f.start}-{f.end} “{f.text}”：{f.reason}")
    if review.unused_facts:
        print(f"未使用的素材：{'、'.join(review.unused_facts)}")
    for note in review.notes:
        print(f"说明：{note}")
    return 0


def _cmd_eval(args: argparse.Namespace, app: Assistant) -> int:
    if args.what == "check":
        from assistant.evaluation.check import evaluate_check, format_check

        res = evaluate_check()
        _print_json(res) if args.json else print(format_check(res))
    elif args.what == "roles":
        from assistant.evaluation.roles import evaluate_roles, format_roles

        res = evaluate_roles(app.settings)
        _print_json(res) if args.json else print(format_roles(res))
    elif args.what == "retrieval":
        from assistant.evaluation.retrieval import evaluate_retrieval, format_retrieval

        res = evaluate_retrieval(app.settings, paths=args.paths or None)
        _print_json(res) if args.json else print(format_retrieval(res))
    else:
        from assistant.evaluation.drafting import evaluate_drafting, format_drafting

        res = evaluate_drafting(app.settings)
        _print_json(res) if args.json else print(format_drafting(res))
    return 0


def _cmd_bench(args: argparse.Namespace, app: Assistant) -> int:
    from benchmarks.index_bench import format_bench, run_bench

    res = run_bench(app.settings, sizes=args.sections, queries=args.queries)
    _print_json(res) if args.json else print(format_bench(res))
    return 0


def build_parser() -> argparse.ArgumentParser:
    roles = ", ".join(f"{r.value}={ROLE_LABELS[r]}" for r in Role)
    p = argparse.ArgumentParser(prog="assistant", description="公文报告起草助手")
    sub = p.add_subparsers(dest="command", required=True)

    o = sub.add_parser("outline", help="显示一篇范文的结构（标题层级、段落类型、形态）")
    o.add_argument("file")
    o.add_argument("--json", action="store_true")
    o.set_defaults(func=_cmd_outline)

    i = sub.add_parser("index", help="建立或更新范文库索引（默认 knowledge/）")
    i.add_argument("paths", nargs="*")
    i.add_argument("--prune", action="store_true", help="删除已不存在的文件的记录")
    i.add_argument("--json", action="store_true")
    i.set_defaults(func=_cmd_index)

    r = sub.add_parser("remove", help="从范文库删除一篇范文")
    r.add_argument("report")
    r.set_defaults(func=_cmd_remove)

    rc = sub.add_parser("role", help="更正范文库中某个段落的类型（检索立即生效）")
    rc.add_argument("report", help="范文编号（assistant index 列出的名称，即文件名去掉扩展名）")
    rc.add_argument("section", help="段落编号，如 1、2.3（见 assistant outline --json 的 id）")
    rc.add_argument("role", help=roles)
    rc.set_defaults(func=_cmd_role)

    s = sub.add_parser("search", help="检索结构相似的范文段落")
    s.add_argument("topic")
    s.add_argument("--role", required=True, help=roles)
    s.add_argument("--k", type=int, default=5)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=_cmd_search)

    pl = sub.add_parser("plan", help="按一篇范文的结构列提纲（可同时分配素材）")
    pl.add_argument("--sample", required=True, help="范文：文件路径，或范文库中的编号、标识或标题")
    pl.add_argument("--facts", default=None, help="素材文件：列出每部分用哪些素材")
    pl.add_argument("--json", action="store_true")
    pl.set_defaults(func=_cmd_plan)

    d = sub.add_parser("draft", help="根据素材起草一个段落（--report：逐节起草全文）")
    d.add_argument("--role", default=None, help=roles)
    d.add_argument("--report", action="store_true", help="按提纲逐节起草全文，每部分只用与之对应的素材")
    d.add_argument("--sample", default=None, help="与 --report 同用：参照的范文（默认：工作情况—存在问题—下步打算）")
    d.add_argument("--facts", required=True, help="素材文件，每行一条")
    d.add_argument("--all-facts", action="store_true", help="用全部素材（默认只用适合该部分的素材）")
    d.add_argument("--engine", choices=["offline", "llm"], default=None)
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=_cmd_draft)

    c = sub.add_parser("check", help="对照素材审核一篇草稿")
    c.add_argument("--facts", required=True)
    c.add_argument("--draft", required=True)
    c.add_argument(
        "--sample", action="append", default=[], help="范文文件：检查草稿是否照搬了其中的数字和句子"
    )
    c.add_argument("--role", default=None, help="段落类型：同时对照范文库中该类型的段落（需已建索引）")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_cmd_check)

    e = sub.add_parser(
        "eval", help="质量评测：retrieval 检索 / drafting 起草 / roles 段落类型 / check 审核"
    )
    e.add_argument("what", choices=["retrieval", "drafting", "roles", "check"])
    e.add_argument("paths", nargs="*")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=_cmd_eval)

    b = sub.add_parser("bench", help="索引与检索速度测试（合成语料）")
    b.add_argument("--sections", type=int, nargs="+", default=[1000, 10000, 100000])
    b.add_argument("--queries", type=int, default=200)
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=_cmd_bench)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "role", None) is not None:
        try:
            args.role = parse_role(args.role)
        except AssistantError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 2
    try:
        app = Assistant(Settings())
        code: int = args.func(args, app)
        return code
    except AssistantError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

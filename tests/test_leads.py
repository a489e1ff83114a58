"""Lead phrases built from a point's own facts (assistant/draft/leads.py), table-tested."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.draft.leads import build_lead, key_terms, load_table, mine
from assistant.models import Role

TABLE = load_table()


@pytest.mark.parametrize(
    ("role", "facts", "k", "lead"),
    [
        # 存在问题: subject of the shortcoming + predicate chosen by its cue word
        (Role.PROBLEMS, ["理论学习形式单一，以集中读文件为主"], 0, "理论学习形式还不够丰富"),
        (Role.PROBLEMS, ["基层专职宣传干部仅有3名，力量薄弱"], 1, "干部力量还比较薄弱"),
        (Role.PROBLEMS, ["全年仅开展意识形态形势研判2次，研判不够深入"], 2, "形势研判还不够深入"),
        (Role.PROBLEMS, ["家校协同机制不健全"], 0, "家校协同机制还不够健全"),
        (Role.PROBLEMS, ["老旧服务器未及时升级"], 0, "服务器升级还不够及时"),
        (Role.PROBLEMS, ["乡镇安监员平均不到2人"], 0, "安监员还不够充足"),
        # 下步打算: resolve verb + key term; the n-th point takes the n-th verb
        (Role.PLANS, ["将开展统计法治宣传月"], 0, "持续深化法治宣传"),
        (Role.PLANS, ["拟部署态势感知平台"], 1, "着力加强态势感知平台"),
        # 工作情况: verb + key term (with the fact's own verb), work noun + result or a formula
        (Role.ACHIEVEMENTS, ["处置网络舆情9起，均在24小时内回应"], 0, "强化舆情处置，各项工作扎实推进"),
        (Role.ACHIEVEMENTS, ["移风易俗宣传120余场次"], 1, "加强移风易俗宣传，工作基础不断夯实"),
        (Role.ACHIEVEMENTS, ["开展网络安全培训3期", "法治宣传进社区12场"], 0, "强化网络安全培训，法治宣传持续巩固"),
        # no key term at all: no phrase (the caller leaves the slot visible)
        (Role.ACHIEVEMENTS, ["全年累计完成12次"], 0, None),
    ],
)
def test_build_lead(role: Role, facts: list[str], k: int, lead: str | None) -> None:
    assert build_lead(role, facts, k, TABLE) == lead


@pytest.mark.parametrize(
    "fact",
    [
        "处置网络舆情9起，均在24小时内回应",
        "2024年在省级以上主流媒体发稿56篇",
        "XX区宣传部全年开展宣讲120场",
        "门户网站 http://www.xxdata.gov.cn 全年无篡改",
    ],
)
def test_lead_phrases_carry_no_numbers_and_share_a_key_term(fact: str) -> None:
    for role in (Role.ACHIEVEMENTS, Role.PROBLEMS, Role.PLANS):
        lead = build_lead(role, [fact], 0, TABLE)
        assert lead is not None
        assert not re.search(r"[0-9０-９A-Za-z]", lead), lead
        assert any(t.text in lead or t.head in lead for t in key_terms(fact)), lead
        clauses = lead.split("，")
        assert all(2 <= len(c) <= 12 for c in clauses), lead


def test_mining_takes_verbs_and_results_of_sample_leads() -> None:
    verbs, results = mine(["坚持理论学习宣讲，把稳思想“方向盘”", "基本公共文化服务水平稳步提高", "注重教育引导"])
    assert verbs == ["坚持", "注重"]
    assert results == ["稳步提高"]


def test_the_table_is_a_file_users_can_extend(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[1] / "prompts" / "lead_phrases.toml").read_text(encoding="utf-8")
    mine_file = tmp_path / "lead_phrases.toml"
    mine_file.write_text(text.replace('verbs = ["持续深化"', 'verbs = ["奋力推进", "持续深化"'), encoding="utf-8")
    assert build_lead(Role.PLANS, ["将开展统计法治宣传月"], 0, load_table(mine_file)) == "奋力推进法治宣传"


@pytest.mark.parametrize(
    ("fact", "name"),
    [
        # a known compound name stays whole in the key terms and in every role's lead phrase
        ("建成新时代文明实践站12个", "新时代文明实践站"),
        ("下一步将建设新时代文明实践中心", "新时代文明实践中心"),
        ("建设智慧社区平台3个", "智慧社区平台"),
        ("推进“一网通办”改革", "一网通办"),
        # a quoted name is one word too
        ("开展“我们的节日”主题活动15场", "我们的节日"),
    ],
)
def test_lead_phrases_keep_names_whole(fact: str, name: str) -> None:
    assert name in [t.text for t in key_terms(fact)]
    for k, role in enumerate((Role.ACHIEVEMENTS, Role.PROBLEMS, Role.PLANS)):
        lead = build_lead(role, [fact], k, TABLE)
        assert lead is not None and name in lead, lead


@pytest.mark.parametrize(
    ("fact", "cut"),
    [
        ("建成新时代文明实践站12个", "时代文明实践"),  # the reported cut: 新时代文明实践站
        ("组建乡村振兴讲师团", "振兴讲师团"),  # 乡村振兴 is a name, not 乡村 + 振兴
        ("完善12345政务服务便民热线", "服务便民热线"),  # 政务服务 cut in half
    ],
)
def test_lead_phrases_never_start_inside_a_name(fact: str, cut: str) -> None:
    # the cut part right at the start or right after a 2- or 4-character verb (强化/持续深化)
    for k, role in enumerate((Role.ACHIEVEMENTS, Role.PROBLEMS, Role.PLANS)):
        lead = build_lead(role, [fact], k, TABLE) or ""
        assert not lead.startswith(cut) and not re.search(r"^(?:..|....)" + cut, lead), lead


def test_a_name_is_taken_only_at_jiebas_own_word_boundaries() -> None:
    from assistant.draft.leads import words

    # the name is one word; its parts (新/时代/文明/实践/站) are gone
    assert ("新时代文明实践站", "name") in words("建成新时代文明实践站12个", ["新时代文明实践站"])
    assert all(w != "文明" for w, _ in words("建成新时代文明实践站12个", ["新时代文明实践站"]))

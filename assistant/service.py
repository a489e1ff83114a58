"""The one façade the UI and the CLI call: outline, index, search, draft, revise, check.

It wires the stages together and owns the engine choice and the fallback from the LLM to the
offline drafter; every stage below it is a plain function or a small class over plain data.
"""

from __future__ import annotations

import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import Settings
from assistant.errors import (
    AssistantError,
    EmptyDraftError,
    FactTooLongError,
    NoFactsError,
    TextTooLongError,
    TooManyFactsError,
    UnknownRoleError,
)
from assistant.models import (
    Draft,
    Exemplar,
    Fact,
    IndexResult,
    Report,
    ReportInfo,
    Review,
    Role,
    WantedShape,
)
from assistant.text.citations import strip_citations

if TYPE_CHECKING:  # imported lazily at run time: the index pulls in Chroma
    from assistant.index.store import SectionIndex
    from assistant.plan import Plan, PlanItem, SectionStep

Progress = Callable[[int, int, str], None]

# Draft.engine of texts the assistant did not write: pasted or uploaded on the editor's desk,
# and a draft the user edited in the app.
PASTED_ENGINE = "pasted"
EDITED_ENGINE = "edited"


def parse_role(value: str | Role) -> Role:
    """Role from its key ("problems") or its Chinese label ("存在问题")."""
    if isinstance(value, Role):
        return value
    key = value.strip()
    try:
        return Role(key)
    except ValueError:
        pass
    from assistant.models import ROLE_LABELS

    for role, label in ROLE_LABELS.items():
        if key and (key == label or key in label.split("/")):
            return role
    raise UnknownRoleError(value)


def guess_role(text: str) -> Role:
    """The role a pasted draft most likely plays, for the desk's default (the user can change it).

    Its headings decide when they agree ("二、存在的主要问题"); a text with headings of several
    roles is a whole report (其他: the checker then reads each part's role from its heading);
    a text without a telling heading goes by its words (不够/有待/仅有 -> problems, 将/要 ->
    plans…) when they clearly lean one way. Unsure, it is 其他: no part is assumed, so the
    checker says nothing about a fact in the wrong part (role_mismatch) it cannot know.
    """
    role, sure = role_guess(text)
    return role if sure else Role.OTHER


def role_guess(text: str) -> tuple[Role, bool]:
    """(role, sure): the guess behind ``guess_role`` and whether the text settles it."""
    from assistant.corpus import parse_text
    from assistant.corpus.roles import body_evidence

    try:
        sections = parse_text(text).sections
    except AssistantError:  # e.g. a classified marking: no structure, the words still count
        sections = []
    headed = {s.role for s in sections if s.level >= 1 and s.heading and s.role is not Role.OTHER}
    if len(headed) == 1:
        return headed.pop(), True
    if len(headed) > 1:
        return Role.OTHER, True
    evidence = body_evidence(text)
    sure = evidence.lean(floor=SURE_FLOOR, margin=SURE_MARGIN)
    if sure is not None:
        return sure, True
    return evidence.lean() or Role.OTHER, False


# Words alone settle a pasted text's role only when they lean this clearly (a stronger lean than
# the corpus needs: a wrong guess here would put a false role_mismatch in front of an editor).
SURE_FLOOR = 3.0
SURE_MARGIN = 2.0


def _normalise_text(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@dataclass
class DraftStream:
    """Text chunks of a draft as they come; ``result`` holds the reviewed Draft afterwards.

    Iterate it (e.g. with ``st.write_stream``) and then read ``result``. If the LLM fails
    mid-stream the remaining chunks are the offline draft, and ``result.notice`` says why.
    """

    _chunks: Iterator[str]
    _finish: Callable[[str, str, str | None], Draft]
    result: Draft | None = None

    def __iter__(self) -> Iterator[str]:
        yield from self._chunks

    def run(self) -> Draft:
        """Consume the whole stream and return the result (for the CLI and tests)."""
        for _ in self:
            pass
        assert self.result is not None
        return self.result


_LENGTH_RE = re.compile(r"(\d+)\s*字")


def draft_length(text: str) -> int:
    """Characters a user counts: no whitespace, no fact citations."""
    return sum(len(part) for part in strip_citations(text).split())


def length_notice(instruction: str, text: str) -> str | None:
    """When a revision asked for at most N characters and the result is longer, say so."""
    m = _LENGTH_RE.search(instruction)
    if not m or not re.search(r"压缩|精简|缩|删|控制|不超过|以内|以下", instruction):
        return None
    limit, length = int(m.group(1)), draft_length(text)
    if length <= limit:
        return None
    return (
        f"修改后仍有{length}字，超过要求的{limit}字：为保留素材中的全部数字，没有再删减。"
        "可以删去不需要的素材后再试。"
    )


def exemplar_from_section(report: Report, section_id: str) -> Exemplar:
    """A section of a parsed report wrapped as an Exemplar (score 0: not retrieved)."""
    s = report.section(section_id)
    return Exemplar(
        report=report.id,
        title=report.title,
        source=report.source,
        section_id=s.id,
        heading=s.heading,
        path=list(s.path),
        role=s.role,
        level=s.level,
        n_points=s.shape.n_points,
        n_children=s.shape.n_children,
        heading_style=s.shape.heading_style,
        point_style=s.shape.point_style,
        score=0.0,
        why={"role_match": "given", "shared_terms": [], "shape": "", "score_parts": {}},
        text=report.subtree_text(s.id) if s.level else s.body,
        body=s.body,
    )


class Assistant:
    """Service object: build once per process with a Settings and share it (thread-safe)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._index: SectionIndex | None = None
        self._index_lock = threading.Lock()

    # ---- corpus -----------------------------------------------------------------
    def outline(self, path: str | Path) -> Report:
        from assistant.corpus import parse_file

        return parse_file(Path(path), max_bytes=int(self.settings.max_file_mb * 1024 * 1024))

    # ---- index ------------------------------------------------------------------
    @property
    def index(self) -> SectionIndex:
        # One index per Assistant, shared by every thread (the app's sessions).
        with self._index_lock:
            if self._index is None:
                from assistant.index.store import SectionIndex

                self._index = SectionIndex(self.settings)
            return self._index

    def build_index(
        self,
        paths: Sequence[str | Path] | None = None,
        prune: bool = False,
        progress: Progress | None = None,
    ) -> IndexResult:
        targets = [Path(p) for p in paths] if paths else [self.settings.knowledge_dir]
        return self.index.update(targets, prune=prune, progress=progress)

    def remove_report(self, report_id: str) -> None:
        self.index.remove(report_id)

    def reports(self) -> list[ReportInfo]:
        return self.index.reports()

    def report_outline(self, report_id: str) -> list[dict[str, Any]]:
        """The stored outline of one indexed report: dicts shaped like `assistant outline --json`."""
        return self.index.report_outline(report_id)

    def correct_role(self, report_id: str, section_id: str, role: str | Role) -> dict[str, Any]:
        """A user's role for one section of an indexed report: stored with the index (so every
        client of a shared index sees it), kept when the same file is indexed again, and used
        by the next search. Returns the section's outline entry before and after:
        ``{"before": {...}, "after": {...}, "changed": [ids whose role changed]}``."""
        result: dict[str, Any] = self.index.correct_role(report_id, section_id, parse_role(role))
        return result

    def search(
        self,
        role: str | Role,
        topic: str,
        shape: WantedShape | None = None,
        k: int = 5,
        exclude_reports: Iterable[str] = (),
    ) -> list[Exemplar]:
        return self.index.search(
            parse_role(role), topic, shape=shape, k=k, exclude_reports=tuple(exclude_reports)
        )

    # ---- facts and review -------------------------------------------------------
    @staticmethod
    def parse_facts(text: str) -> list[Fact]:
        from assistant.text.facts import parse_facts

        return parse_facts(text)

    def check_fact_limits(self, facts: Sequence[Fact]) -> None:
        check_fact_limits(facts, self.settings.max_facts, self.settings.max_fact_chars)

    def check_text_limit(self, text: str, what: str) -> None:
        check_text_limit(text, self.settings.max_draft_chars, what)

    def sample_exemplars(self, path: str | Path) -> list[Exemplar]:
        """Every top-level section of one sample file as an Exemplar, so a review can tell
        numbers and sentences copied from that sample (``assistant check --sample FILE``)."""
        report = self.outline(path)
        return [exemplar_from_section(report, s.id) for s in report.sections if s.level <= 1]

    @staticmethod
    def check(
        draft: str,
        facts: Sequence[Fact],
        exemplars: Sequence[Exemplar] = (),
        role: Role | str | None = None,
    ) -> Review:
        from assistant.review.grounding import check

        return check(draft, list(facts), list(exemplars), role)

    # ---- the editor's desk: texts written elsewhere, and edits made in the app -------------
    @staticmethod
    def read_document(name: str, data: bytes, max_bytes: int = 20 * 1024 * 1024) -> str:
        """The text of an uploaded draft or facts file (.txt/.md/.docx/.pdf), read by the corpus
        loader so a bad file gets the same typed Chinese error as a bad sample."""
        from assistant.corpus.load import load_document

        base = Path(name.replace("\\", "/")).name.strip() or "upload.txt"
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / base
            path.write_bytes(data)
            text, _ = load_document(path, max_bytes)
        return text

    @staticmethod
    def check_text(
        text: str,
        facts: Sequence[Fact],
        role: str | Role | None = None,
        exemplars: Sequence[Exemplar] = (),
    ) -> Draft:
        """A draft written elsewhere, reviewed against its facts, as a Draft the UI shows like
        one of its own (engine "pasted"). Without facts the verdict is "unverified", never pass."""
        body = _normalise_text(text)
        if not body:
            raise EmptyDraftError()
        role_ = parse_role(role) if role is not None else guess_role(body)
        review = Assistant.check(body, list(facts), list(exemplars), role_)
        return Draft(role_, body, PASTED_ENGINE, list(exemplars), list(facts), review)

    @staticmethod
    def edit_draft(draft: Draft, text: str) -> Draft:
        """The user's own edit of a draft, checked again at once against the same facts and
        exemplars (engine "edited")."""
        body = _normalise_text(text)
        if not body:
            raise EmptyDraftError("修改后的文字为空，没有保存。")
        review = Assistant.check(body, draft.facts, draft.exemplars, draft.role)
        return Draft(draft.role, body, EDITED_ENGINE, draft.exemplars, draft.facts, review)

    # ---- drafting -----------------------------------------------------------------
    def _engine(self, engine: str | None) -> str:
        return engine or self.settings.engine

    def stream_draft(
        self,
        role: str | Role,
        facts: Sequence[Fact] | str,
        engine: str | None = None,
        shape: WantedShape | None = None,
        k: int = 3,
        settings: Settings | None = None,
        heading: str | None = None,
    ) -> DraftStream:
        """Retrieve exemplars, draft (streaming), review. Falls back to offline on LLM failure.

        ``heading`` (a plan's heading line, "二、存在的主要问题") replaces the draft's own."""
        from assistant.draft.frame import replace_heading
        from assistant.draft.offline import draft_offline, number_lone_section

        role_ = parse_role(role)
        fact_list = self.parse_facts(facts) if isinstance(facts, str) else list(facts)
        if not fact_list:
            raise NoFactsError()
        self.check_fact_limits(fact_list)
        topic = "\n".join(f.text for f in fact_list)
        exemplars = self.search(role_, topic, shape=shape, k=k)
        cfg = settings or self.settings

        def offline_text() -> str:
            return replace_heading(draft_offline(role_, fact_list, exemplars, shape=shape), heading or "")

        def llm_chunks() -> Iterator[str]:
            from assistant.draft.llm import stream_section

            return stream_section(cfg, role_, fact_list, exemplars, shape=shape)

        return self._stream(
            role_,
            fact_list,
            exemplars,
            self._engine(engine),
            offline_text,
            llm_chunks,
            # without a plan's heading a model's section is numbered by its role, as offline
            postprocess=lambda text: (
                replace_heading(text, heading) if heading else number_lone_section(text, role_)
            ),
        )

    def stream_revision(
        self,
        draft: Draft,
        instruction: str,
        engine: str | None = None,
        settings: Settings | None = None,
    ) -> DraftStream:
        """Revise a draft by a Chinese instruction ("压缩到300字", "第二点再具体些")."""
        from assistant.draft.offline import revise_offline

        cfg = settings or self.settings

        def offline_text() -> str:
            return revise_offline(draft.text, instruction, draft.facts, draft.exemplars, draft.role)

        def llm_chunks() -> Iterator[str]:
            from assistant.draft.llm import stream_revision

            return stream_revision(cfg, draft.text, instruction, draft.facts, draft.exemplars)

        return self._stream(
            draft.role,
            draft.facts,
            draft.exemplars,
            self._engine(engine),
            offline_text,
            llm_chunks,
            check_text=lambda text: length_notice(instruction, text),
        )

    def draft(
        self,
        role: str | Role,
        facts: Sequence[Fact] | str,
        engine: str | None = None,
        shape: WantedShape | None = None,
        k: int = 3,
        settings: Settings | None = None,
        heading: str | None = None,
    ) -> Draft:
        return self.stream_draft(
            role, facts, engine=engine, shape=shape, k=k, settings=settings, heading=heading
        ).run()

    def _stream(
        self,
        role: Role,
        facts: list[Fact],
        exemplars: list[Exemplar],
        engine: str,
        offline_text: Callable[[], str],
        llm_chunks: Callable[[], Iterator[str]],
        check_text: Callable[[str], str | None] = lambda _text: None,
        postprocess: Callable[[str], str] = lambda text: text,
    ) -> DraftStream:
        def finish(text: str, used_engine: str, notice: str | None) -> Draft:
            review = self.check(text, facts, exemplars, role)
            extra = check_text(text)
            notice = "".join(n for n in (notice, extra) if n) or None
            return Draft(role, text, used_engine, exemplars, facts, review, notice)

        stream = DraftStream(iter(()), finish)

        def chunks() -> Iterator[str]:
            if engine == "llm":
                from assistant.errors import LLMUnavailableError

                parts: list[str] = []
                started = time.monotonic()
                try:
                    for chunk in llm_chunks():
                        parts.append(chunk)
                        yield chunk
                    text = postprocess("".join(parts).strip())
                    if not text:
                        raise LLMUnavailableError("模型返回了空内容")
                    stream.result = finish(text, "llm", None)
                    return
                except LLMUnavailableError as exc:
                    # The time actually waited (retries included), not the per-request timeout.
                    waited = time.monotonic() - started
                    notice = f"{exc.message}（实际等待{waited:.0f}秒），已改用离线起草。"
                    try:
                        text = offline_text()
                    except AssistantError as off:  # offline cannot do it either: say both
                        off.message = f"{exc.message}；{off.message}"
                        raise
                    if parts:  # the model had already said something: mark the switch
                        yield f"\n\n（{notice}）\n\n"
                    yield text
                    stream.result = finish(text, "offline", notice)
                    return
            text = offline_text()
            # Yield by paragraph so the UI streams the offline draft like a model's.
            for i, para in enumerate(text.split("\n")):
                yield ("\n" if i else "") + para
            stream.result = finish(text, "offline", None)

        stream._chunks = chunks()
        return stream

    # ---- whole reports -------------------------------------------------------------
    def find_report(self, sample: str) -> ReportInfo:
        """An indexed report by id, by its number in the list ("1") or by (part of) its title."""
        from assistant.errors import ReportNotFoundError
        from assistant.intent import Intent, match_report

        reports = self.reports()
        want = sample.strip().strip("《》")
        by_id = next((r for r in reports if r.id == want), None)
        if by_id is not None:
            return by_id
        hint = Intent("outline", want, report_hint=want)
        if want.isdigit():
            hint = Intent("outline", want, report_index=int(want))
        found = match_report(hint, reports)
        if found is None:
            raise ReportNotFoundError(sample)
        return found

    def plan_from_sample(self, sample: str) -> Plan:
        """The plan of a report following a sample: a sample file, or an indexed report."""
        from assistant.plan import plan_from_outline

        path = Path(sample)
        if path.is_file():
            report = self.outline(path)
            return plan_from_outline(
                [s.outline_dict() for s in report.sections], report.id, report.title
            )
        info = self.find_report(sample)
        return plan_from_outline(self.report_outline(info.id), info.id, info.title)

    def stream_section(
        self,
        item: PlanItem,
        facts: Sequence[Fact],
        engine: str | None = None,
        settings: Settings | None = None,
    ) -> DraftStream:
        """One section of a plan, drafted from the given facts with the plan's heading and form."""
        return self.stream_draft(
            item.role, facts, engine=engine, shape=item.shape(), settings=settings, heading=item.heading
        )

    def draft_report(
        self,
        plan: Plan,
        facts: Sequence[Fact],
        engine: str | None = None,
        settings: Settings | None = None,
    ) -> tuple[Plan, list[SectionStep[Draft]]]:
        """Allocate the facts over the plan and draft its sections in order (CLI, evals)."""
        from assistant.plan import allocate, draft_report

        self.check_fact_limits(facts)
        planned = allocate(plan, facts)
        steps = list(
            draft_report(
                planned,
                facts,
                lambda item, own: self.stream_section(item, own, engine, settings).run(),
                on_error=AssistantError,
            )
        )
        return planned, steps

    def test_connection(self, settings: Settings | None = None) -> str:
        """Ask the configured endpoint for a one-word answer; raises LLMUnavailableError."""
        from assistant.draft.llm import test_connection

        return test_connection(settings or self.settings)


def check_fact_limits(facts: Sequence[Fact], max_facts: int, max_chars: int) -> None:
    """Refuse (typed, in Chinese) a fact set over the limits before any work is done on it: a
    paste of thousands of facts once held a server at 100% CPU for minutes."""
    if len(facts) > max_facts:
        raise TooManyFactsError(len(facts), max_facts)
    for fact in facts:
        if len(fact.text) > max_chars:
            raise FactTooLongError(fact.id, len(fact.text), max_chars)


def check_text_limit(text: str, max_chars: int, what: str) -> None:
    """Refuse a text to check or an edit longer than the limit (``what`` names it)."""
    chars = len(text.strip())
    if chars > max_chars:
        raise TextTooLongError(what, chars, max_chars)

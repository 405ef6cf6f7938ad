"""Exit-survey building blocks of the Reporting API: questions with their answers, the
surveys embedded in a session report and who submitted a survey."""

from __future__ import annotations

import attrs

from ..._xml.common import is_blank
from ..._xml.core import (
    Node,
    attr,
    child,
    children,
)
from ..._xml.values import (
    str_of,
    to_int,
)
from .parts import own_text

__all__ = ["SessionSurvey", "SurveyQuestion", "SurveySubmitter", "survey_questions"]


@attrs.frozen(kw_only=True)
class SurveyQuestion:
    """An exit-survey question with the answers given (``question_list/question``).

    ``answers`` holds the non-blank ``<answer>`` texts in document order: empty for an
    unanswered question, several for multiple-choice checkbox or select questions.
    """

    id: int | None = None
    name: str | None = None
    type: str | None = None
    label: str | None = None
    report_header: str | None = None
    answers: tuple[str, ...] = ()

    @classmethod
    def from_node(cls, node: Node) -> SurveyQuestion:
        answers = (own_text(a) for a in children(child(node, "answer_list"), "answer"))
        return cls(
            id=to_int(attr(node, "id")),
            name=str_of(node, "name"),
            type=str_of(node, "type"),
            label=str_of(node, "label"),
            report_header=str_of(node, "report_header"),
            answers=tuple(a for a in answers if a is not None),
        )

    @property
    def answer(self) -> str | None:
        """The first answer (the only one for radio, text and textarea questions)."""
        return self.answers[0] if self.answers else None


def survey_questions(node: Node) -> tuple[SurveyQuestion, ...]:
    """The questions of a survey element, inside ``<question_list>`` or directly under it."""
    found = children(child(node, "question_list"), "question") or children(node, "question")
    return tuple(SurveyQuestion.from_node(q) for q in found if not is_blank(q))


@attrs.frozen(kw_only=True)
class SessionSurvey:
    """An exit survey submitted in a session (``cust_survey_list/cust_exit_survey`` or
    ``rep_survey_list/rep_exit_survey``)."""

    questions: tuple[SurveyQuestion, ...] = ()

    @classmethod
    def from_node(cls, node: Node) -> SessionSurvey:
        return cls(questions=survey_questions(node))


@attrs.frozen(kw_only=True)
class SurveySubmitter:
    """Who submitted an exit survey (``<submitted_by type="cust|rep">name</submitted_by>``)."""

    name: str | None = None
    type: str | None = None

    @classmethod
    def of(cls, node: Node) -> SurveySubmitter | None:
        """The submitter, or ``None`` when the element is absent or entirely empty."""
        if is_blank(node):
            return None
        return cls(name=own_text(node), type=(attr(node, "type") or "").strip() or None)

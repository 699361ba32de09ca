"""Find everything held about one data subject by walking the models' relations.

The walk is planned from model metadata alone, so a model added later is covered without a
change here:

* From a root (a service user, a study participant or a person), follow every relation by
  which another of our models points at it (a foreign key or one-to-one, hidden ones too), and
  from each of those models onwards in the same way.
* A record that belongs to a service user or a participant belongs to that person's record, not
  to the staff member who wrote it: walking from a person never enters a model that the walk
  from a service user or a participant reaches (a PSW's export holds no one's contact notes).
* When a model also points at the root model by another field (a contact points at its service
  user as well as at its episode), only the subject's own rows are taken.
* A root's own one-to-one link to another root (a service user's login person) is walked as the
  same subject.

Two things the metadata cannot say are declared below: a segment's text lives in its source's
text (`DERIVED`), and a paper form names its participant by the digest of their code, not by a
key (`LINKED`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q

# The apps whose models hold the programme's data (Django's own auth tables are not walked).
DATA_APPS = (
    "core",
    "organisation",
    "practice",
    "measures",
    "evaluation",
    "workforce",
    "qualitative",
    "reports",
    "privacy",
    "demo",
)
SUBJECTS = ("practice.ServiceUser", "evaluation.Participant")
ROOTS = (*SUBJECTS, "organisation.Person")


def model_of(label: str) -> type[models.Model]:
    return apps.get_model(label)


@dataclass(frozen=True)
class Step:
    """Rows of `model` whose `via` field points at rows of `parent` already found."""

    model: type[models.Model]
    parent: type[models.Model]
    via: str
    # When `parent` is not the root: the fields of `model` that point at the root model, one of
    # which must point at the subject (a contact found through an episode is the subject's own).
    also: tuple[str, ...] = ()


def _pointing_in(model: type[models.Model]) -> Iterable[models.ForeignObjectRel]:
    for rel in model._meta.get_fields(include_hidden=True):
        if (
            isinstance(rel, models.ForeignObjectRel)
            and (rel.one_to_many or rel.one_to_one)
            and rel.related_model._meta.app_label in DATA_APPS
        ):
            yield rel


def _fields_to(model: type[models.Model], target: type[models.Model]) -> list[str]:
    return [
        f.name for f in model._meta.concrete_fields if f.is_relation and f.related_model is target
    ]


@cache
def plan(root_label: str) -> tuple[Step, ...]:
    """Every step of the walk from `root_label`, breadth first."""
    root = model_of(root_label)
    owned: frozenset[type[models.Model]] = frozenset()
    if root_label not in SUBJECTS:
        owned = subject_owned()
    steps: list[Step] = []
    seen = {root}
    queue = [root]
    while queue:
        parent = queue.pop(0)
        for rel in _pointing_in(parent):
            child: type[models.Model] = rel.related_model
            if (
                child is root
                or child in owned
                or child._meta.label in ROOTS
                or child._meta.auto_created  # a many-to-many table: its row's field holds it
            ):
                continue
            via = rel.field.name
            also = () if parent is root else tuple(_fields_to(child, root))
            steps.append(Step(child, parent, via, also))
            if child not in seen:
                seen.add(child)
                queue.append(child)
    return tuple(steps)


@cache
def subject_owned() -> frozenset[type[models.Model]]:
    """Models that the walk from a service user or a participant reaches."""
    return frozenset(step.model for label in SUBJECTS for step in plan(label)) | frozenset(
        model_of(label) for label in SUBJECTS
    )


def reachable() -> frozenset[type[models.Model]]:
    """Every model some walk reaches, roots included: what a subject request can cover."""
    found = {model_of(label) for label in ROOTS}
    for label in ROOTS:
        found.update(step.model for step in plan(label))
    return frozenset(found)


def _segment_text(segment: Any) -> dict[str, Any]:
    return {"text": segment.text}


def _paper_forms_by_code(participant: Any) -> Q:
    return Q(study_id=participant.study_id, participant_digest=participant.code_digest)


# Values held about a row that live in another row (a segment's words are its source's text).
DERIVED: dict[str, Callable[[Any], dict[str, Any]]] = {"qualitative.segment": _segment_text}
# Rows that name a root by value instead of by key: root label -> (model label, filter).
LINKED: dict[str, tuple[tuple[str, Callable[[Any], Q]], ...]] = {
    "evaluation.Participant": (("evaluation.PaperForm", _paper_forms_by_code),)
}


@dataclass
class Found:
    """The rows found for one subject, by model, in the order their models were reached."""

    subject: models.Model
    rows: dict[type[models.Model], dict[Any, models.Model]] = field(default_factory=dict)

    def add(self, objs: Iterable[models.Model]) -> int:
        added = 0
        for obj in objs:
            bucket = self.rows.setdefault(type(obj), {})
            if obj.pk not in bucket:
                bucket[obj.pk] = obj
                added += 1
        return added

    def pks(self, model: type[models.Model]) -> list[Any]:
        return list(self.rows.get(model, {}))

    def counts(self) -> dict[str, int]:
        return {m._meta.label_lower: len(r) for m, r in self.rows.items() if r}

    def models(self) -> list[type[models.Model]]:
        return [m for m, r in self.rows.items() if r]


def _walk_from(found: Found, root_obj: models.Model) -> None:
    label = root_obj._meta.label
    found.add([root_obj])
    for linked_label, condition in LINKED.get(label, ()):
        found.add(model_of(linked_label)._default_manager.filter(condition(root_obj)))
    steps = plan(label)
    # Repeat until nothing new turns up: a model may be reached by a later, deeper path.
    while True:
        added = 0
        for step in steps:
            parents = found.pks(step.parent)
            if not parents:
                continue
            query = step.model._default_manager.filter(**{f"{step.via}__in": parents})
            if step.also:
                own = Q()
                for name in step.also:
                    own |= Q(**{name: root_obj.pk})
                query = query.filter(own)
            added += found.add(query.order_by("pk"))
        if not added:
            return


def collect(subject: models.Model) -> Found:
    """Every row held about `subject` (a service user, participant or person)."""
    if subject._meta.label not in ROOTS:
        raise ValueError(f"{subject._meta.label} is not a data subject.")
    found = Found(subject)
    _walk_from(found, subject)
    for f in subject._meta.concrete_fields:
        target = f.related_model
        if f.one_to_one and isinstance(target, type) and target._meta.label in ROOTS:
            linked = getattr(subject, f.name)
            if linked is not None:
                _walk_from(found, linked)
    return found


def plain_value(value: Any) -> Any:
    """A field value as JSON can hold it."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def row_data(obj: models.Model) -> dict[str, Any]:
    """Every field of one row: keys as ids, many-to-many links as lists of ids."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        data[f.attname] = plain_value(getattr(obj, f.attname))
    for f in obj._meta.many_to_many:
        data[f.name] = sorted(getattr(obj, f.name).values_list("pk", flat=True))
    derive = DERIVED.get(obj._meta.label_lower)
    if derive is not None:
        data.update(derive(obj))
    return data

"""The codebook: the tree of themes, sub-themes and codes; one code's page with its notes,
codings and memos; create, edit, move, merge, split and delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from alongside.core.access import Permission
from alongside.core.audit import record_list_view
from alongside.core.forms import run_action
from alongside.qualitative import actions
from alongside.qualitative.access import get_in_project
from alongside.qualitative.forms import (
    CodeForm,
    MemoForm,
    MergeForm,
    MoveForm,
    NewCodeForm,
    SplitForm,
)
from alongside.qualitative.models import Code, Coding, Memo
from alongside.qualitative.segments import build_tree, descendants, flatten, path_of
from alongside.qualitative.views._common import back_to, can_code, project_for

QUOTE_PREVIEW = 140


@require_http_methods(["GET", "POST"])
def codebook(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug, write=request.method == "POST")
    form = NewCodeForm(request.POST or None, project=project)
    if request.method == "POST":
        code = run_action(
            form,
            lambda: actions.create_code(
                by=request.user,
                project=project,
                name=form.cleaned_data["name"],
                parent=form.parent_code(),
                definition=form.cleaned_data["definition"],
                inclusion=form.cleaned_data["inclusion"],
                exclusion=form.cleaned_data["exclusion"],
                is_codable=form.cleaned_data["is_codable"],
            ),
        )
        if code is not None:
            messages.success(request, f"Added {code.name}.")
            return back_to("codebook", slug, anchor=f"code-{code.pk}")
    codes = {
        c.pk: c
        for c in Code.objects.filter(project=project).annotate(
            coding_count=Count("codings", distinct=True)
        )
    }
    nodes = flatten(build_tree((c.pk, c.name, c.parent_id, c.is_codable) for c in codes.values()))
    rows = [{"code": codes[n.id], "depth": n.depth, "children": len(n.children)} for n in nodes]
    return render(
        request,
        "qualitative/codebook.html",
        {"project": project, "rows": rows, "form": form, "can_code": can_code(request)},
    )


def _code(request: HttpRequest, slug: str, pk: int, *, write: bool) -> Code:
    project = project_for(request, slug, write=write)
    permission = Permission.CODE_QUALITATIVE if write else Permission.VIEW_QUALITATIVE
    return get_in_project(Code, request.user, project, pk, permission, "project")


def _coding_labels(code: Code) -> dict[int, str]:
    labels = {}
    for coding in Coding.objects.filter(code=code).select_related("source", "coder"):
        text = coding.text
        short = text if len(text) <= QUOTE_PREVIEW else text[: QUOTE_PREVIEW - 1] + "…"
        labels[coding.pk] = f"{coding.source.name}: “{short}” ({coding.coder.get_username()})"
    return labels


@require_http_methods(["GET", "POST"])
def code(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    the_code = _code(request, slug, pk, write=request.method == "POST")
    project = the_code.project
    form = CodeForm(
        request.POST or None,
        initial={
            "name": the_code.name,
            "definition": the_code.definition,
            "inclusion": the_code.inclusion,
            "exclusion": the_code.exclusion,
            "is_codable": the_code.is_codable,
        },
    )
    if request.method == "POST":
        done = run_action(
            form, lambda: actions.update_code(by=request.user, code=the_code, **form.cleaned_data)
        )
        if done is not None:
            messages.success(request, "Saved.")
            return back_to("code", slug, the_code.pk)
    family = dict(Code.objects.filter(project=project).values_list("pk", "parent_id"))
    names = dict(Code.objects.filter(project=project).values_list("pk", "name"))
    below = descendants(family, the_code.pk)
    codings = list(
        Coding.objects.filter(code_id__in={the_code.pk, *below})
        .select_related("source", "coder", "code", "segment__speaker")
        .order_by("source__name", "start")
    )
    record_list_view(
        actor=request.user, model=Coding, ids=[c.pk for c in codings], listing="code codings"
    )
    labels = _coding_labels(the_code)
    context = {
        "project": project,
        "code": the_code,
        "path": path_of(names, family, the_code.pk).replace("/", " / "),
        "form": form,
        "codings": codings,
        "children": Code.objects.filter(parent=the_code).order_by("name"),
        "memos": Memo.objects.filter(code=the_code).select_related("author"),
        "memo_form": MemoForm(),
        "move_form": MoveForm(code=the_code, initial={"parent": the_code.parent_id}),
        "merge_form": MergeForm(code=the_code),
        "split_form": SplitForm(code=the_code, labels=labels) if labels else None,
        "can_code": can_code(request),
    }
    return render(request, "qualitative/code.html", context)


def _after(request: HttpRequest, slug: str, done: object, form: object, ok: str) -> None:
    if done is None:
        errors = getattr(form, "errors", {})
        text = " ".join(str(e) for es in errors.values() for e in es)
        messages.error(request, text or "That could not be done.")
    else:
        messages.success(request, ok)


@require_POST
def move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    the_code = _code(request, slug, pk, write=True)
    form = MoveForm(request.POST, code=the_code)
    done = run_action(
        form, lambda: actions.move_code(by=request.user, code=the_code, parent=form.parent_code())
    )
    _after(request, slug, done, form, f"Moved {the_code.name}.")
    return back_to("code", slug, the_code.pk)


@require_POST
def merge(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    the_code = _code(request, slug, pk, write=True)
    form = MergeForm(request.POST, code=the_code)
    done = run_action(
        form, lambda: actions.merge_codes(by=request.user, code=the_code, into=form.target())
    )
    _after(request, slug, done, form, f"Merged {the_code.name} into it: no coding was lost.")
    if done is None:
        return back_to("code", slug, the_code.pk)
    return back_to("code", slug, form.cleaned_data["into"])


@require_POST
def split(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    the_code = _code(request, slug, pk, write=True)
    form = SplitForm(request.POST, code=the_code, labels=_coding_labels(the_code))
    new = run_action(
        form,
        lambda: actions.split_code(
            by=request.user,
            code=the_code,
            new_name=form.cleaned_data["new_name"],
            codings=form.chosen(),
        ),
    )
    _after(request, slug, new, form, "Split: the chosen codings moved to the new code.")
    return back_to("code", slug, new.pk if new is not None else the_code.pk)


@require_POST
def delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    the_code = _code(request, slug, pk, write=True)
    try:
        actions.delete_code(by=request.user, code=the_code)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back_to("code", slug, the_code.pk)
    messages.success(request, f"Deleted {the_code.name}.")
    return back_to("codebook", slug)


@require_POST
def add_code_memo(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    the_code = _code(request, slug, pk, write=True)
    form = MemoForm(request.POST)
    done = run_action(
        form,
        lambda: actions.add_memo(
            by=request.user,
            project=the_code.project,
            code=the_code,
            text=form.cleaned_data["text"],
        ),
    )
    _after(request, slug, done, form, "Memo added.")
    return back_to("code", slug, the_code.pk, anchor="memos")

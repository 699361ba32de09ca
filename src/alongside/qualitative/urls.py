from django.urls import path

from alongside.qualitative.views import codebook, project, quotes, sources

app_name = "qualitative"
urlpatterns = [
    path("", project.projects, name="projects"),
    path("<slug:slug>/start/", project.start, name="start"),
    path("<slug:slug>/", project.project, name="project"),
    path("<slug:slug>/phase/", project.phase, name="phase"),
    path("<slug:slug>/memos/", project.add_memo, name="add-memo"),
    path("<slug:slug>/sources/add/", sources.add_transcript, name="add-transcript"),
    path("<slug:slug>/sources/open-answers/", sources.import_answers, name="import-answers"),
    path("<slug:slug>/sources/<int:pk>/", sources.source, name="source"),
    path("<slug:slug>/sources/<int:pk>/code/", sources.apply_codes, name="apply-codes"),
    path("<slug:slug>/sources/<int:pk>/memos/", sources.add_source_memo, name="source-memo"),
    path("<slug:slug>/speakers/<int:pk>/", sources.speaker, name="speaker"),
    path("<slug:slug>/codings/<int:pk>/remove/", sources.remove_coding, name="remove-coding"),
    path("<slug:slug>/codings/<int:pk>/quote/", quotes.mark, name="mark-quote"),
    path("<slug:slug>/undo/", sources.undo, name="undo"),
    path("<slug:slug>/codebook/", codebook.codebook, name="codebook"),
    path("<slug:slug>/codes/<int:pk>/", codebook.code, name="code"),
    path("<slug:slug>/codes/<int:pk>/move/", codebook.move, name="move-code"),
    path("<slug:slug>/codes/<int:pk>/merge/", codebook.merge, name="merge-code"),
    path("<slug:slug>/codes/<int:pk>/split/", codebook.split, name="split-code"),
    path("<slug:slug>/codes/<int:pk>/delete/", codebook.delete, name="delete-code"),
    path("<slug:slug>/codes/<int:pk>/memos/", codebook.add_code_memo, name="code-memo"),
    path("<slug:slug>/quotes/", quotes.quotes, name="quotes"),
]

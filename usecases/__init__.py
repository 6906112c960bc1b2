"""The use-case layer: one function per thing a person does with fuqing.

Each takes a :class:`~usecases.context.Ctx` (who acts, and the process's services), checks the permission, writes
the audit entry and returns plain data. The command line (api/cli), the HTTP API (api/routes) and the web pages
(api/web) parse their input, call exactly one of these as ``uc.<name>(ctx, …)``, and render what it returns.
"""

from usecases.audit import read_audit_log
from usecases.cases import assign_case, list_cases, read_case_contact, show_case, update_case
from usecases.context import Ctx, Lazy, Services, allowed, use_case
from usecases.corpus import (
    add_documents,
    list_documents,
    reindex_corpus,
    search_corpus,
    show_clause,
    show_document,
)
from usecases.data import backup, erase_response, erase_survey, expire_contacts, restore
from usecases.demo import load_demo
from usecases.evals import (
    classify_single_label,
    compare_eval_runs,
    eval_run_file,
    list_eval_runs,
    run_all_evals,
    run_eval,
    show_eval_run,
    write_eval_readme,
)
from usecases.findings import ask, draft_findings, filter_choices, make_report, summarize
from usecases.labels import response_labels, retag_responses, tag_text, train_model
from usecases.referrals import (
    add_referral,
    announce_cases,
    case_feedback,
    case_report,
    list_referrals,
    remove_referral,
)
from usecases.responses import list_responses, read_contact, submit_response
from usecases.review import label_agreement, review_queue, review_response
from usecases.sessions import (
    SETUP_CODE_NOTICE,
    SignIn,
    create_first_admin,
    end_session,
    first_admin_setup_code,
    needs_first_admin,
    resume,
    sign_in,
)
from usecases.surveys import create_survey, get_survey, list_surveys
from usecases.uploads import (
    get_upload,
    import_progress,
    import_upload,
    inspect_upload,
    list_uploads,
    stage_upload,
    start_import,
)
from usecases.users import add_user, create_token, list_users, revoke_tokens, set_password, whoami

__all__ = [
    "assign_case",
    "list_cases",
    "read_case_contact",
    "show_case",
    "update_case",
    "add_referral",
    "announce_cases",
    "case_feedback",
    "case_report",
    "list_referrals",
    "remove_referral",
    "Ctx",
    "Lazy",
    "Services",
    "SignIn",
    "add_documents",
    "add_user",
    "allowed",
    "ask",
    "backup",
    "classify_single_label",
    "compare_eval_runs",
    "create_first_admin",
    "create_survey",
    "create_token",
    "draft_findings",
    "erase_response",
    "erase_survey",
    "eval_run_file",
    "expire_contacts",
    "filter_choices",
    "get_survey",
    "get_upload",
    "import_progress",
    "import_upload",
    "inspect_upload",
    "label_agreement",
    "list_documents",
    "list_eval_runs",
    "list_responses",
    "list_surveys",
    "list_uploads",
    "list_users",
    "load_demo",
    "make_report",
    "needs_first_admin",
    "first_admin_setup_code",
    "SETUP_CODE_NOTICE",
    "end_session",
    "read_audit_log",
    "read_contact",
    "reindex_corpus",
    "response_labels",
    "restore",
    "resume",
    "retag_responses",
    "review_queue",
    "review_response",
    "revoke_tokens",
    "run_all_evals",
    "run_eval",
    "search_corpus",
    "set_password",
    "show_clause",
    "show_document",
    "show_eval_run",
    "sign_in",
    "stage_upload",
    "start_import",
    "submit_response",
    "summarize",
    "tag_text",
    "train_model",
    "use_case",
    "whoami",
    "write_eval_readme",
]

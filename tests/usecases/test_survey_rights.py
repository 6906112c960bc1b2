"""Survey creation and question changes need survey:create / survey:edit on every path (issue 15): a fieldworker
uploads into an existing survey as detected, but cannot create a survey or re-map or un-protect its columns."""

from __future__ import annotations

from pathlib import Path

import pytest

import usecases as uc
from fuqing.errors import Forbidden
from tests.fixtures import exports
from tests.usecases.conftest import ctx_of


def test_a_fieldworker_cannot_create_a_survey_through_an_upload(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = exports.wjx_csv(tmp_path / "w.csv", n=5)
    with pytest.raises(Forbidden, match="不能新建调查"):
        uc.import_upload(ctx_of(services, "fieldworker"), f, filename="w.csv", new_survey_title="私建")


def test_a_fieldworker_uploads_as_detected_but_cannot_remap(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = exports.wjx_csv(tmp_path / "w.csv", n=5)
    first = uc.import_upload(ctx_of(services, "admin"), f, filename="w.csv", new_survey_title="调查")
    worker = ctx_of(services, "fieldworker")
    g = exports.wjx_csv(tmp_path / "w2.csv", n=8)
    detected = uc.inspect_upload(worker, g, "w2.csv").mapping
    same = {role: v.removeprefix("@") for role, v in detected.items()}  # as the upload page sends it back
    report = uc.import_upload(worker, g, filename="w2.csv", survey_id=first.survey_id, mapping=same)
    assert report.rows_ok == 3
    with pytest.raises(Forbidden, match="列对应关系或隐私分类"):
        uc.import_upload(
            worker, g, filename="w2.csv", survey_id=first.survey_id, mapping={"privacy": {"q10": "analytic"}}
        )

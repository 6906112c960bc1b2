from tests.api.conftest import auth


def test_single_response_is_tagged_and_reviewable(api):
    sid = api.post("/api/surveys", json={"title": "t"}, headers=auth(api, "staff")).json()["id"]
    r = api.post(
        f"/api/surveys/{sid}/responses",
        json={"text": "老公常年在外打工，我一个人在家带娃，想学个手艺"},
        headers=auth(api, "fieldworker"),
    ).json()
    labels = api.get(f"/api/responses/{r['id']}/labels", headers=auth(api, "staff")).json()
    assert {"left_behind", "skills_training"} <= {x["label"] for x in labels if x["status"] == "applied"}
    assert (
        api.post("/api/nlp/tag", json={"text": "想找活干"}, headers=auth(api, "fieldworker")).status_code
        == 403
    )
    tagged = api.post("/api/nlp/tag", json={"text": "想找活干"}, headers=auth(api, "staff")).json()
    assert "employment" in {x["label"] for x in tagged["labels"]}
    fixed = api.post(
        f"/api/review/{r['id']}", json={"labels": ["left_behind"]}, headers=auth(api, "staff")
    ).json()
    assert fixed["labels"] == ["left_behind"]
    bad = api.post(f"/api/review/{r['id']}", json={"labels": ["boss"]}, headers=auth(api, "staff"))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"
    assert (
        api.post(
            f"/api/review/{r['id']}", json={"labels": None}, headers=auth(api, "fieldworker")
        ).status_code
        == 403
    )
    kappa = api.get("/api/review/agreement", headers=auth(api, "staff")).json()
    assert {k["label"]: k["n"] for k in kappa}["left_behind"] == 1


def test_summaries_endpoint(api):
    sid = api.post("/api/surveys", json={"title": "t"}, headers=auth(api, "staff")).json()["id"]
    for i in range(6):
        api.post(
            f"/api/surveys/{sid}/responses",
            json={
                "text": f"老公在外打工，想在家门口找点活干{i}",
                "county": "金寨县",
                "township": "梅山镇",
                "village": "小河村",
            },
            headers=auth(api, "fieldworker"),
        )
    out = api.get("/api/summaries", params={"county": "金寨县"}, headers=auth(api, "staff")).json()
    assert out["respondents"] == 5 and set(out) >= {
        "needs",
        "groups",
        "crosstab",
        "keywords",
        "quotes",
    }  # 6, rounded
    assert out["needs"]["employment"]["count"] == 5
    assert api.get("/api/summaries", headers=auth(api, "fieldworker")).status_code == 403
    bad = api.get("/api/summaries", params={"group": "boss"}, headers=auth(api, "staff"))
    assert bad.status_code == 422 and "boss" in bad.json()["error"]["message"]
    later = {"county": "金寨县", "since": "2999-01-01", "survey_id": sid}
    assert api.get("/api/summaries", params=later, headers=auth(api, "staff")).json()["respondents"] == 0
    wrong = api.get("/api/summaries", params={"since": "2025-13-01"}, headers=auth(api, "staff"))
    assert wrong.status_code == 422 and "since" in str(wrong.json()["error"])


def test_ask_endpoint(api):
    sid = api.post("/api/surveys", json={"title": "t"}, headers=auth(api, "staff")).json()["id"]
    api.post(
        f"/api/surveys/{sid}/responses",
        json={"text": "老公在外打工，想找活干", "county": "金寨县"},
        headers=auth(api, "fieldworker"),
    )
    out = api.post(
        "/api/ask", json={"question": "金寨县的留守妇女最需要什么"}, headers=auth(api, "staff")
    ).json()
    assert out["filters"] == {"county": "金寨县", "group": "left_behind"} and out["not_understood"] == []
    assert out["summary"]["respondents"] == "<5"  # one answer: nothing is shown

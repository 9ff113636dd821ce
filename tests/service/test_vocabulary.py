"""What the served model knows, and what the service says when a citizen's category is not part of it."""

from service.auth.dependencies import SESSION_COOKIE

UNKNOWN = {
    "id": "voc-unknown-1",
    "text": "Lampu PJU di depan gang 5 Jl. Kertajaya mati sudah seminggu, gelap sekali kalau malam.",
    "category": "Kategori Yang Tidak Ada",
}


def test_vocabulary_lists_the_served_models_categories_and_agencies(reviewed):
    client, keys = reviewed
    for role in ("intake", "reviewer", "admin"):
        response = client.get("/v1/vocabulary", headers=keys[role])
        assert response.status_code == 200, role
    body = response.json()
    assert body["model"] == {"name": "triase-triage", "version": "1"}
    model = client.app.state.model_store.current.model
    names = [c["name"] for c in body["categories"]]
    assert names == sorted(model.categories) and "PJU" in names
    assert next(c for c in body["categories"] if c["name"] == "PJU")["agency"] == "Dinas Perhubungan"
    assert body["agencies"] == sorted(str(a) for a in model.agency_classifier.classes_)
    assert {c["agency"] for c in body["categories"]} <= set(body["agencies"])
    assert client.get("/v1/vocabulary").status_code == 401


def test_a_category_the_model_does_not_know_is_said_so_and_reviewed_for_it(reviewed):
    client, keys = reviewed
    intake = keys["intake"]
    unknown = client.post("/v1/triage", json=UNKNOWN, headers=intake).json()
    assert unknown["category"]["citizen_category_known"] is False
    assert unknown["category"]["verdict"] == "needs_review" and unknown["category"]["citizen_probability"] is None
    assert "unknown_category" in unknown["review"]["reasons"] and "needs_review" not in unknown["review"]["reasons"]

    known = client.post("/v1/triage", json=UNKNOWN | {"id": "voc-known-1", "category": " pju "}, headers=intake)
    assert known.json()["category"]["citizen_category_known"] is True
    assert "unknown_category" not in known.json()["review"]["reasons"]
    none = client.post("/v1/triage", json=UNKNOWN | {"id": "voc-none-1", "category": None}, headers=intake)
    assert none.json()["category"]["citizen_category_known"] is None

    client.cookies.set(SESSION_COOKIE, keys["reviewer"]["Authorization"].removeprefix("Bearer "))
    page = client.get(f"/antrian/{unknown['review']['queue_item_id']}")
    assert page.status_code == 200
    assert 'id="citizen-category-unknown">tidak dikenal model<' in page.text
    assert "Kategori warga tidak dikenal model" in page.text  # the reason's label
    assert "Kategori warga Kategori Yang Tidak Ada tidak dikenal model, jadi tidak bisa dinilai" in page.text
    other = client.get(f"/antrian/{known.json()['review']['queue_item_id']}")
    assert "citizen-category-unknown" not in other.text

// Reviewer pages. Item page: claim the item, decide suggestions with buttons or keys (a number picks one of the
// model's next choices and accepts the rest), move to the next item.
// Queue page: tick items and accept all their suggestions with one button.
"use strict";

async function postJson(path, body) {
  const response = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  return { status: response.status, data };
}

function bulkSummary(data) {
  const skipped = data.results.filter((r) => !r.decided).map((r) => `butir ${r.item_id}: ${r.detail}`);
  return `${data.decided} butir diputuskan` + (skipped.length ? `; dilewati ${skipped.join("; ")}` : "");
}

(function () {
  const table = document.getElementById("queue");
  const button = document.getElementById("accept-selected");
  if (!table || !button) return;
  const all = document.getElementById("select-all");
  const count = document.getElementById("selected-count");
  const outcome = document.getElementById("bulk-outcome");
  const boxes = () => Array.from(table.querySelectorAll("input.select-item"));
  const chosen = () => boxes().filter((b) => b.checked).map((b) => Number(b.value));

  function refresh() {
    const n = chosen().length;
    count.textContent = String(n);
    button.disabled = n === 0;
    all.checked = n > 0 && n === boxes().length;
  }

  all.addEventListener("change", () => { boxes().forEach((b) => { b.checked = all.checked; }); refresh(); });
  table.addEventListener("change", (event) => { if (event.target.classList.contains("select-item")) refresh(); });
  button.addEventListener("click", async () => {
    button.disabled = true;
    const { status, data } = await postJson("/v1/queue/bulk-decisions", { action: "accept", item_ids: chosen() });
    if (status === 200) {
      outcome.textContent = bulkSummary(data);
      if (data.skipped === 0) window.location.reload();
    } else if (status === 401) {
      window.location.href = "/masuk";
    } else {
      outcome.textContent = "Gagal: " + ((data && data.detail) || `kode ${status}`);
      outcome.classList.add("error");
      refresh();
    }
  });
  refresh();
})();

(function () {
  const root = document.getElementById("item");
  if (!root) return;
  const itemId = root.dataset.item;
  const claimLine = document.getElementById("claim");
  let selected = 0;

  function reviewable() {
    return Array.from(document.querySelectorAll(".suggestion[data-reviewable='true']"));
  }

  function select(index) {
    const list = reviewable();
    if (!list.length) return null;
    selected = (index + list.length) % list.length;
    list.forEach((el, i) => el.classList.toggle("selected", i === selected));
    list[selected].focus();
    return list[selected];
  }

  const api = postJson;

  async function claim() {
    if (document.getElementById("item-status").classList.contains("done")) return;
    const { status, data } = await api(`/v1/queue/${itemId}/claim`);
    if (status === 200) {
      claimLine.textContent = `Anda meninjau butir ini (klaim berlaku ${root.dataset.claimMinutes} menit).`;
    } else if (status === 409) {
      claimLine.textContent = `Perhatian: ${data && data.claimed_by ? "sedang ditinjau oleh " + data.claimed_by : "butir ini sudah diputuskan"}.`;
      claimLine.classList.add("warning");
    } else if (status === 401) {
      window.location.href = "/masuk";
    }
  }

  function outcomeText(decision) {
    const names = { accept: "Diterima", reject: "Ditolak", correct: "Dikoreksi", merge: "Digabung" };
    return `${names[decision.action] || decision.action} oleh ${decision.reviewer}` + (decision.value ? `: ${decision.value}` : "");
  }

  function showDecided(el, decision) {
    // A hidden correction field keeps the focus in Chromium: give the keys back to the page.
    if (el.contains(document.activeElement)) document.activeElement.blur();
    el.dataset.reviewable = "false";
    el.classList.add("decided");
    el.classList.remove("selected");
    el.querySelector(".actions").hidden = true;
    el.querySelector(".outcome").textContent = outcomeText(decision);
  }

  // acceptRest (a quick pick that settles the item, or Ctrl+Enter in the correction field): accept the item's
  // other waiting suggestions too.
  // Once nothing waits, the next item opens: a decided item has nothing left for the reviewer.
  async function decide(el, action, value, acceptRest = false) {
    const body = { suggestion_id: Number(el.dataset.suggestion), action };
    if (value) body.value = value;
    const outcome = el.querySelector(".outcome");
    outcome.classList.remove("error");
    const { status, data } = await api(`/v1/queue/${itemId}/decisions`, body);
    if (status === 200) {
      if (acceptRest && data.status !== "done") { acceptAll(); return; }
      const shown = new Set(Array.from(document.querySelectorAll(".suggestion")).map((s) => Number(s.dataset.suggestion)));
      if (data.suggestions.some((s) => !shown.has(s.id))) {
        // A corrected category brought a new agency suggestion: show it.
        window.location.reload();
        return;
      }
      const mine = data.suggestions.find((s) => s.id === body.suggestion_id);
      showDecided(el, mine.decision);
      if (data.status === "done") {
        const badge = document.getElementById("item-status");
        badge.textContent = "Selesai";
        badge.classList.add("done");
        claimLine.textContent = "Semua saran sudah diputuskan; membuka butir berikutnya.";
        next();
      } else {
        select(0);
      }
    } else if (status === 409 && data && data.winner) {
      showDecided(el, data.winner);
      outcome.textContent += " (peninjau lain lebih dulu)";
    } else if (status === 401) {
      window.location.href = "/masuk";
    } else {
      outcome.textContent = "Gagal: " + ((data && data.detail) || `kode ${status}`);
      outcome.classList.add("error");
    }
  }

  // acceptRest (Ctrl+Enter in the field): as a quick pick, accept the item's other waiting suggestions too.
  function correct(el, acceptRest = false) {
    const input = el.querySelector(".correct-value");
    if (!input) return;
    if (!input.value.trim()) {
      input.focus();
      return;
    }
    decide(el, "correct", input.value.trim(), acceptRest);
  }

  async function bulk(body, line) {
    line.classList.remove("error");
    const { status, data } = await api("/v1/queue/bulk-decisions", body);
    if (status === 200) {
      line.textContent = bulkSummary(data);
      return data;
    }
    if (status === 401) window.location.href = "/masuk";
    line.textContent = "Gagal: " + ((data && data.detail) || `kode ${status}`);
    line.classList.add("error");
    return null;
  }

  async function acceptAll() {
    const line = document.getElementById("accept-all-outcome");
    if (!line) return;
    const data = await bulk({ action: "accept", item_ids: [Number(itemId)] }, line);
    if (data && data.decided === 1) next();
  }

  async function mergeGroup(original, line) {
    const data = await bulk({ action: "merge", original }, line);
    if (data) window.location.reload();
  }

  async function next() {
    const response = await fetch("/v1/queue?limit=5", { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.ok) {
      const page = await response.json();
      const other = page.items.find((i) => String(i.id) !== String(itemId));
      window.location.href = other ? `/antrian/${other.id}` : "/antrian";
    } else {
      window.location.href = "/antrian";
    }
  }

  document.querySelectorAll(".suggestion").forEach((el) => {
    el.querySelectorAll("button[data-action]").forEach((button) => {
      button.addEventListener("click", () => {
        if (button.dataset.action === "correct") correct(el);
        else decide(el, button.dataset.action);
      });
    });
    el.querySelectorAll("button.quick-pick").forEach((button) => {
      const settles = el.dataset.kind !== "category" || button.dataset.agency !== "";
      button.addEventListener("click", () => decide(el, "correct", button.dataset.value, settles));
    });
    el.querySelectorAll("button.merge-into").forEach((button) => {
      button.addEventListener("click", () => decide(el, "merge", button.dataset.target));
    });
    el.querySelectorAll("button.merge-group").forEach((button) => {
      button.addEventListener("click", () => mergeGroup(button.dataset.original, el.querySelector(".outcome")));
    });
  });
  const acceptAllButton = document.getElementById("accept-all");
  if (acceptAllButton) acceptAllButton.addEventListener("click", acceptAll);

  document.addEventListener("keydown", (event) => {
    if (event.target.tagName === "SELECT") return;
    if (event.target.tagName === "INPUT") {
      if (event.key === "Enter") correct(event.target.closest(".suggestion"), event.ctrlKey || event.metaKey);
      if (event.key === "Escape") event.target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const list = reviewable();
    const current = list[selected] || list[0];
    switch (event.key) {
      case "j": select(selected + 1); break;
      case "k": select(selected - 1); break;
      case "a": if (current) decide(current, "accept"); break;
      case "r": if (current) decide(current, "reject"); break;
      case "c": if (current) { const input = current.querySelector(".correct-value"); if (input) { event.preventDefault(); input.focus(); } } break;
      case "m": if (current) { const first = current.querySelector("button.merge-into"); if (first) first.click(); } break;
      case "s": acceptAll(); break;
      case "n": next(); break;
      default: {
        const pick = current && /^[1-9]$/.test(event.key) ? current.querySelectorAll("button.quick-pick")[Number(event.key) - 1] : null;
        if (pick) pick.click();
        return;
      }
    }
  });

  claim();
  select(0);
})();

// Item page: a reviewer selects personal data the redactor missed in the report's title or text and masks it.
// Offsets are sent in code points of the stored field (the page holds it exactly, line breaks included; JavaScript
// counts UTF-16 units, so an emoji before the span would shift them otherwise), never the selected text itself.
(function () {
  const tools = document.getElementById("mask-tools");
  const source = document.getElementById("report-stored");
  if (!tools || !source) return;
  const fields = Array.from(document.querySelectorAll(".maskable"));
  const kind = document.getElementById("mask-kind");
  const button = document.getElementById("mask-selection");
  const confirmBox = document.getElementById("mask-confirm");
  const question = document.getElementById("mask-question");
  const outcome = document.getElementById("mask-outcome");
  let stored = JSON.parse(source.textContent);
  let span = null; // the current selection
  let pending = null; // the span the reviewer is asked to confirm

  function render() {
    // One text node per field holding the stored value: DOM offsets are the field's.
    fields.forEach((el) => { el.textContent = stored[el.dataset.field] || ""; });
  }

  function codePoints(text, units) {
    return Array.from(text.slice(0, units)).length;
  }

  // The selection inside one field, trimmed of surrounding spaces, as UTF-16 offsets; null when none.
  function selected() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    const el = fields.find((f) => f.contains(range.commonAncestorContainer));
    if (!el || !el.firstChild) return null;
    const node = el.firstChild;
    const text = stored[el.dataset.field];
    let start = range.startContainer === node ? range.startOffset : 0;
    let end = range.endContainer === node ? range.endOffset : text.length;
    while (start < end && /\s/.test(text[start])) start += 1;
    while (end > start && /\s/.test(text[end - 1])) end -= 1;
    return end > start ? { field: el.dataset.field, text, start, end } : null;
  }

  function refresh() {
    span = selected();
    button.disabled = span === null;
  }

  function ask() {
    if (!span) return;
    pending = span;
    const label = kind.options[kind.selectedIndex].text;
    const length = Array.from(span.text.slice(span.start, span.end)).length;
    question.textContent = `Samarkan ${length} karakter terpilih sebagai "${label}"?`;
    confirmBox.hidden = false;
    document.getElementById("mask-yes").focus();
  }

  async function mask() {
    confirmBox.hidden = true;
    if (!pending) return;
    outcome.classList.remove("error");
    const body = {
      field: pending.field,
      start: codePoints(pending.text, pending.start),
      end: codePoints(pending.text, pending.end),
      kind: kind.value,
      text_revision: Number(tools.dataset.revision),
    };
    const { status, data } = await postJson(`/v1/reports/${encodeURIComponent(tools.dataset.report)}/masks`, body);
    if (status === 200) {
      stored = { title: data.report.title, text: data.report.text };
      tools.dataset.revision = String(data.report.text_revision);
      render();
      window.getSelection().removeAllRanges();
      outcome.textContent = "Data pribadi disamarkan.";
    } else if (status === 401) {
      window.location.href = "/masuk";
    } else {
      outcome.textContent = "Gagal: " + ((data && data.detail) || `kode ${status}`) + (status === 409 ? " (muat ulang halaman)" : "");
      outcome.classList.add("error");
    }
    pending = null;
    refresh();
  }

  render();
  document.addEventListener("selectionchange", refresh);
  button.addEventListener("click", ask);
  document.getElementById("mask-yes").addEventListener("click", mask);
  document.getElementById("mask-no").addEventListener("click", () => { confirmBox.hidden = true; });
  refresh();
})();

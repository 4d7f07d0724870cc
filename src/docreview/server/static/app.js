// docreview serve: the page's behaviour. No framework, no network beyond this server.
// Keyboard: paste the note, Tab through the claim, Ctrl+Enter (or Cmd+Enter) reviews.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const form = $("review-form");
  const result = $("result");
  const errorBox = $("error");
  const busy = $("busy");
  let current = null; // {reviewId, sha, code}

  function token() {
    const value = ($("token") && $("token").value.trim()) || sessionStorage.getItem("docreview-token") || "";
    if (value) sessionStorage.setItem("docreview-token", value);
    return value;
  }

  async function api(method, path, body) {
    const headers = { "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const t = token();
    if (t) headers["Authorization"] = "Bearer " + t;
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (response.status === 401) $("token-row").classList.add("shown");
    if (!response.ok) {
      const message = (data && data.message) || ("the server answered " + response.status);
      throw new Error(message);
    }
    return data;
  }

  function split(text) {
    return text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
  }

  function claim() {
    const c = { code: $("code").value.trim().toUpperCase() };
    const units = $("units").value.trim();
    if (units !== "") c.units = Number(units);
    const waste = $("waste_units").value.trim();
    if (waste !== "") c.waste_units = Number(waste);
    const mods = [];
    if ($("mod-jz").checked) mods.push("JZ");
    if ($("mod-jw").checked) mods.push("JW");
    split($("other_mods").value).forEach((m) => mods.push(m.toUpperCase()));
    c.modifiers = mods;
    c.icd10 = split($("icd10").value);
    const setting = $("setting").value.trim();
    if (setting) c.setting = setting;
    return c;
  }

  function showError(message) {
    errorBox.textContent = message || "";
  }

  function setReading(reading) {
    $("note-edit").hidden = reading;
    $("note-read").hidden = !reading;
  }

  async function review() {
    showError("");
    const note = $("note").value;
    if (!note.trim()) { showError("the note is empty"); $("note").focus(); return; }
    if (!$("code").value.trim()) { showError("give the billed code"); $("code").focus(); return; }
    busy.textContent = "reviewing…";
    $("review-btn").disabled = true;
    try {
      const data = await api("POST", "/v1/page/review", { note: note, claim: claim() });
      result.innerHTML = data.html; // rendered by the server from the shared templates, escaped
      const tpl = result.querySelector("#note-segments");
      $("note-view").replaceChildren(tpl.content.cloneNode(true));
      tpl.remove();
      setReading(true);
      current = { reviewId: data.review_id, sha: data.note_sha256, code: data.review.code.code };
      busy.textContent = "verdict: " + data.review.verdict;
      const v = $("verdict");
      if (v) { v.setAttribute("tabindex", "-1"); v.focus(); }
    } catch (err) {
      showError(err.message);
      busy.textContent = "";
    } finally {
      $("review-btn").disabled = false;
    }
  }

  function highlight(button) {
    const ids = (button.dataset.ev || "").split(" ").filter(Boolean);
    document.querySelectorAll("mark.ev.active").forEach((m) => m.classList.remove("active"));
    document.querySelectorAll(".finding.selected").forEach((f) => f.classList.remove("selected"));
    const box = button.closest(".finding");
    if (box) box.classList.add("selected");
    let first = null;
    document.querySelectorAll("mark.ev").forEach((m) => {
      const mine = (m.dataset.ev || "").split(" ");
      if (ids.some((id) => mine.includes(id))) {
        m.classList.add("active");
        if (!first) first = m;
      }
    });
    if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  async function decide(box, action) {
    const reasonInput = box.querySelector(".reason");
    const reason = reasonInput ? reasonInput.value.trim() : "";
    const out = box.querySelector(".decided");
    if (action === "override" && !reason) {
      out.textContent = "an override needs a reason";
      if (reasonInput) reasonInput.focus();
      return;
    }
    try {
      const d = await api("POST", "/v1/reviews/" + encodeURIComponent(current.reviewId) + "/decisions",
        { rule_id: box.dataset.rule, action: action, reason: reason });
      out.replaceChildren();
      const b = document.createElement("b");
      b.className = d.action;
      b.textContent = d.action === "accept" ? "accepted" : "overridden";
      out.append(b, " by " + d.user + " at " + d.created.slice(11, 19) + " UTC" + (d.reason ? ": " + d.reason : ""));
    } catch (err) {
      out.textContent = err.message;
    }
  }

  result.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const findingButton = target.closest(".finding-btn");
    if (findingButton) { highlight(findingButton); return; }
    const box = target.closest(".decision");
    if (box && target.closest("button.accept")) decide(box, "accept");
    else if (box && target.closest("button.override")) decide(box, "override");
  });

  form.addEventListener("submit", (event) => { event.preventDefault(); review(); });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); review(); }
  });
  $("edit-note").addEventListener("click", () => { setReading(false); $("note").focus(); });

  // ICD-10-CM codes validated as you type (shape first, then the code set on the server).
  let icdTimer = null;
  $("icd10").addEventListener("input", () => {
    clearTimeout(icdTimer);
    icdTimer = setTimeout(async () => {
      const msg = $("icd10-msg");
      const codes = split($("icd10").value);
      if (!codes.length) { msg.textContent = ""; msg.className = "field-msg"; $("icd10").removeAttribute("aria-invalid"); return; }
      try {
        const checks = await Promise.all(codes.map((c) => api("GET", "/v1/icd10/" + encodeURIComponent(c))));
        const bad = checks.filter((c) => !c.billable);
        msg.textContent = bad.length ? bad.map((c) => c.message).join("; ") : (codes.length === 1 ? checks[0].message : "all " + codes.length + " codes are billable ICD-10-CM codes");
        msg.className = "field-msg " + (bad.some((c) => !c.valid) ? "bad" : bad.length ? "" : "ok");
        if (bad.some((c) => !c.valid)) $("icd10").setAttribute("aria-invalid", "true"); else $("icd10").removeAttribute("aria-invalid");
      } catch (err) { msg.textContent = err.message; }
    }, 250);
  });

  // The code's descriptor under the field once a known code is typed.
  const known = new Map();
  document.querySelectorAll("#code-list option").forEach((o) => known.set(o.value, o.textContent));
  $("code").addEventListener("input", () => {
    const code = $("code").value.trim().toUpperCase();
    const msg = $("code-msg");
    if (known.has(code)) { msg.textContent = known.get(code); msg.className = "field-msg ok"; $("code").removeAttribute("aria-invalid"); }
    else if (/^[A-Z]\d{4}$/.test(code)) { msg.textContent = code + " is not a known code"; msg.className = "field-msg bad"; $("code").setAttribute("aria-invalid", "true"); }
    else { msg.textContent = ""; msg.className = "field-msg"; $("code").removeAttribute("aria-invalid"); }
  });
})();

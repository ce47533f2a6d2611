// The operator console (docs/OPERATING.md, "Operator console"). Everything it shows comes from the admin API with the
// token the operator pasted, kept in this tab's sessionStorage only. Text from the server (account and device names
// are chosen by users) is only ever set as textContent, never parsed as HTML.
"use strict";

(function () {
  const TOKEN_KEY = "syncd.adminToken";
  const REFRESH_MS = 5000;
  const $ = (id) => document.getElementById(id);
  let refreshTimer = null;
  let shownAccount = null;
  let shownConflicts = null;
  let deviceNames = new Map();

  // ---- numbers and times for people ----
  function compact(n) {
    if (n === null || n === undefined) return "–";
    const abs = Math.abs(n);
    if (abs >= 1e9) return (n / 1e9).toFixed(1).replace(/\.0$/, "") + "G";
    if (abs >= 1e6) return (n / 1e6).toFixed(1).replace(/\.0$/, "") + "M";
    if (abs >= 1e3) return (n / 1e3).toFixed(1).replace(/\.0$/, "") + "k";
    if (Number.isInteger(n)) return String(n);
    return n < 10 ? n.toFixed(1).replace(/\.0$/, "") : String(Math.round(n));
  }
  function perSecond(n) { return compact(n) + "/s"; }
  function millis(ms) {
    if (ms === null || ms === undefined) return "–";
    if (ms < 1) return "<1 ms";
    if (ms < 1000) return Math.round(ms) + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(1).replace(/\.0$/, "") + " s";
    return duration(ms / 1000);
  }
  function duration(seconds) {
    if (seconds < 60) return Math.round(seconds) + " s";
    if (seconds < 3600) return Math.round(seconds / 60) + " min";
    if (seconds < 86400) return (seconds / 3600).toFixed(1).replace(/\.0$/, "") + " h";
    return (seconds / 86400).toFixed(1).replace(/\.0$/, "") + " d";
  }
  function ago(iso) {
    if (!iso) return "never";
    const seconds = (Date.now() - Date.parse(iso)) / 1000;
    if (seconds < 10) return "just now";
    return duration(seconds) + " ago";
  }
  function percent(share) {
    if (share === null || share === undefined) return "–";
    if (share === 0) return "0 %";
    return (share * 100).toFixed(share < 0.1 ? 1 : 0) + " %";
  }
  function bytes(n) {
    if (n < 1024) return n + " B";
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KB";
    return (n / 1024 / 1024).toFixed(1) + " MB";
  }
  function shortId(id) { return id ? id.slice(0, 8) : "–"; }

  // ---- DOM helpers (text only) ----
  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }
  function cell(text, className, title) {
    const td = el("td", text, className);
    if (title) td.title = title;
    return td;
  }
  function fill(tbody, rows, empty, columns) {
    tbody.replaceChildren();
    if (rows.length === 0) {
      const tr = el("tr");
      const td = el("td", empty, "muted");
      td.colSpan = columns;
      tr.append(td);
      tbody.append(tr);
      return;
    }
    rows.forEach((r) => tbody.append(r));
  }
  function figure(dl, label, value, id) {
    const div = el("div");
    const dd = el("dd", value);
    if (id) dd.id = id;
    div.append(el("dt", label), dd);
    dl.append(div);
  }
  function showProblem(text) {
    const p = $("problem");
    p.textContent = text || "";
    p.hidden = !text;
  }

  // ---- the admin API ----
  class Unauthorized extends Error {}

  async function call(path, options) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const init = Object.assign({ headers: {} }, options || {});
    init.headers = Object.assign({ Authorization: "Bearer " + token, Accept: "application/json" }, init.headers);
    const response = await fetch(path, init);
    if (response.status === 401) throw new Unauthorized();
    if (!response.ok) {
      let detail = response.status + " " + response.statusText;
      try {
        const problem = await response.json();
        detail = problem.detail || problem.title || detail;
      } catch (ignored) { /* not problem+json */ }
      throw new Error(detail);
    }
    return response;
  }
  async function json(path, options) { return (await call(path, options)).json(); }

  function failed(error) {
    if (error instanceof Unauthorized) {
      signOut("The server refused the admin token; sign in again.");
    } else {
      showProblem("The server could not answer: " + error.message);
    }
  }

  // ---- sign-in ----
  async function signIn(event) {
    event.preventDefault();
    const token = $("token").value.trim();
    $("sign-in-message").textContent = "";
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    try {
      await json("api/admin/overview");
      $("token").value = "";
      start();
    } catch (error) {
      sessionStorage.removeItem(TOKEN_KEY);
      // Selected, so that typing the right token replaces the wrong one.
      $("token").select();
      $("sign-in-message").textContent = error instanceof Unauthorized
        ? "Wrong admin token: this server did not accept it."
        : "The server could not be asked: " + error.message;
      $("token").focus();
    }
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    clearInterval(refreshTimer);
    refreshTimer = null;
    $("console").hidden = true;
    $("sign-out").hidden = true;
    $("sign-in").hidden = false;
    $("server-line").textContent = "";
    showProblem("");
    $("sign-in-message").textContent = message || "";
    $("token").focus();
  }

  function start() {
    $("sign-in").hidden = true;
    $("console").hidden = false;
    $("sign-out").hidden = false;
    refresh();
    refreshTimer = setInterval(refresh, REFRESH_MS);
  }

  async function refresh() {
    try {
      const [overview, writePath, conflicts] = await Promise.all([
        json("api/admin/overview"), json("api/admin/write-path"), json("api/admin/conflicts?hours=24")]);
      showProblem("");
      renderOverview(overview);
      renderWritePath(writePath);
      // Re-rendered only when changed, so a keyboard user's focus on one of its buttons stays.
      const conflictsJson = JSON.stringify([conflicts.by_table_and_code, conflicts.accounts]);
      if (conflictsJson !== shownConflicts) {
        shownConflicts = conflictsJson;
        renderConflicts(conflicts);
      }
    } catch (error) {
      failed(error);
    }
  }

  // ---- 1. health ----
  function renderOverview(o) {
    $("server-line").textContent = "syncd " + o.version + " · up " + duration(o.uptime_seconds) + " · " + o.status;
    const list = $("health-list");
    list.replaceChildren();
    const names = { postgres: "PostgreSQL", kafka: "Kafka", applier: "Applier" };
    Object.entries(o.components).forEach(([key, c]) => {
      const li = el("li");
      li.id = "health-" + key;
      li.append(el("strong", names[key] || key), " ", el("span", c.status, c.status === "UP" ? "up" : "down"));
      if (c.detail) li.append(el("span", " · " + c.detail, "muted"));
      list.append(li);
    });
  }

  // ---- 2. write path ----
  function renderWritePath(w) {
    drawChart(w.decisions);
    const push = $("push-figures");
    push.replaceChildren();
    const last = w.decisions.buckets[w.decisions.buckets.length - 2] || w.decisions.buckets[0];
    figure(push, "Decisions (last full 30 s)", perSecond(last ? last.per_second : 0), "rate-now");
    figure(push, "Push p50", millis(w.push.p50_ms), "push-p50");
    figure(push, "Push p99", millis(w.push.p99_ms), "push-p99");
    figure(push, "Pending answers", percent(w.push.pending_share), "push-pending");
    figure(push, "Pushes (" + duration(w.push.window_seconds) + ")", compact(w.push.pushes));
    figure(push, "Open change streams", compact(w.live.streams_open), "streams-open");
    figure(push, "Pulls held", compact(w.live.pulls_held));
    if (w.push.note) push.append(el("p", w.push.note, "muted"));

    const behind = w.applier_lag.reduce((sum, p) => sum + p.changes, 0);
    const oldest = w.applier_lag.reduce((max, p) => Math.max(max, p.age_ms || 0), 0);
    $("lag-summary").textContent = behind === 0
      ? "The applier has decided everything on the change topics."
      : compact(behind) + " changes wait to be decided; the oldest for " + millis(oldest) + ".";
    $("lag-summary").dataset.changes = String(behind);
    const lagging = w.applier_lag.filter((p) => p.changes > 0);
    fill($("lag-table").tBodies[0], lagging.map((p) => {
      const tr = el("tr");
      tr.append(cell(p.topic), cell(String(p.partition), "number"), cell(compact(p.changes), "number"),
        cell(millis(p.age_ms), "number"));
      return tr;
    }), "No partition is behind (" + w.applier_lag.length + " partitions).", 4);

    $("dead-count").textContent = w.dead_letters.count === 0 ? "No dead letters."
      : compact(w.dead_letters.count) + (w.dead_letters.count === 1 ? " record" : " records") +
        " on sync.changes.dlt; the newest:";
    const list = $("dead-list");
    list.replaceChildren();
    w.dead_letters.last.forEach((d) => list.append(el("li", ago(d.at) + " · " + (d.reason || "no reason") +
      (d.source ? " · from " + d.source : ""))));
  }

  function drawChart(decisions) {
    const svg = $("rate-chart");
    const ns = "http://www.w3.org/2000/svg";
    const buckets = decisions.buckets;
    const width = 600, height = 160, gap = 2;
    const max = Math.max(1, ...buckets.map((b) => b.per_second));
    const barWidth = width / buckets.length - gap;
    svg.replaceChildren();
    buckets.forEach((b, i) => {
      let y = height;
      [["applied", "bar-applied"], ["conflict", "bar-conflict"], ["rejected", "bar-rejected"]].forEach(([key, cls]) => {
        const h = (b[key] / decisions.bucket_seconds) / max * (height - 4);
        if (h <= 0) return;
        y -= h;
        const rect = document.createElementNS(ns, "rect");
        rect.setAttribute("x", String(i * (barWidth + gap)));
        rect.setAttribute("y", String(y));
        rect.setAttribute("width", String(barWidth));
        rect.setAttribute("height", String(h));
        rect.setAttribute("class", cls);
        const title = document.createElementNS(ns, "title");
        title.textContent = new Date(b.at).toLocaleTimeString() + ": " + perSecond(b.per_second);
        rect.append(title);
        svg.append(rect);
      });
    });
    const total = buckets.reduce((s, b) => s + b.applied + b.conflict + b.rejected, 0);
    $("rate-caption").textContent = "Decisions per second over the last 15 minutes, every " + decisions.bucket_seconds +
      " s (blue applied, amber conflicts, red rejected); peak " + perSecond(max === 1 && total === 0 ? 0 : max) +
      ", " + compact(total) + " in all.";
  }

  // ---- 3. conflicts ----
  function renderConflicts(c) {
    fill($("refusals-table").tBodies[0], c.by_table_and_code.map((r) => {
      const tr = el("tr");
      tr.append(cell(r.table), cell(r.status), cell(r.code), cell(compact(r.count), "number"));
      return tr;
    }), "No conflicts or rejections.", 4);
    fill($("conflicted-table").tBodies[0], c.accounts.map((a) => {
      const tr = el("tr");
      const td = el("td", null, "wrap");
      const button = el("button", a.name, "link");
      button.type = "button";
      button.title = a.account_id;
      button.addEventListener("click", () => openAccount(a.account_id, true));
      td.append(button);
      tr.append(td, cell(compact(a.conflicts), "number"), cell(compact(a.rejected), "number"));
      return tr;
    }), "None.", 3);
  }

  // ---- 4. accounts ----
  async function search(event) {
    event.preventDefault();
    const q = $("search").value.trim();
    if (!q) return;
    try {
      const found = await json("api/admin/accounts?q=" + encodeURIComponent(q));
      const list = $("search-results");
      list.replaceChildren();
      if (found.accounts.length === 0) list.append(el("li", "No account matches.", "muted"));
      found.accounts.forEach((a) => {
        const li = el("li");
        const button = el("button", a.name + " · " + a.active_devices + " active devices · created " + ago(a.created_at));
        button.type = "button";
        button.title = a.id;
        button.addEventListener("click", () => openAccount(a.id, true));
        li.append(button);
        list.append(li);
      });
    } catch (error) {
      failed(error);
    }
  }

  async function openAccount(accountId, focus) {
    let detail;
    try {
      detail = await json("api/admin/accounts/" + encodeURIComponent(accountId));
    } catch (error) {
      failed(error);
      return;
    }
    shownAccount = accountId;
    const a = detail.account;
    $("account-detail").hidden = false;
    $("account-title").textContent = a.name;
    $("account-title").tabIndex = -1;
    $("account-line").textContent = "Account " + a.id + " · created " + ago(a.created_at) + " · " +
      compact(a.change_seq) + " changes written";
    deviceNames = new Map(detail.devices.map((d) => [d.device_id, d.name]));
    fill($("devices-table").tBodies[0], detail.devices.map((d) => {
      const tr = el("tr");
      tr.dataset.deviceId = d.device_id;
      const action = el("td");
      if (d.active) {
        const revoke = el("button", "Revoke…", "secondary");
        revoke.type = "button";
        revoke.dataset.revoke = d.device_id;
        revoke.setAttribute("aria-label", "Revoke " + d.name);
        revoke.addEventListener("click", () => confirmRevoke(a, d));
        action.append(revoke);
      }
      tr.append(cell(d.name, "wrap"), cell(d.platform || "–"), cell(ago(d.registered_at), null, d.registered_at),
        cell(ago(d.last_sync_at), null, d.last_sync_at || ""),
        cell(d.active ? "active" : "revoked " + ago(d.revoked_at), d.active ? "up" : "down"),
        cell(compact(d.changes_behind), "number"),
        cell(d.open_streams === null ? "–" : compact(d.open_streams), "number"), action);
      return tr;
    }), "No devices.", 8);
    const stats = $("account-stats");
    stats.replaceChildren();
    const t = detail.stats.totals;
    figure(stats, "Applied", compact(t.applied));
    figure(stats, "Conflicts", compact(t.conflicts));
    figure(stats, "Rejected", compact(t.rejected));
    figure(stats, "Pushes", compact(t.pushes));
    figure(stats, "Pulls", compact(t.pulls));
    figure(stats, "In / out", bytes(t.bytes_in) + " / " + bytes(t.bytes_out));
    figure(stats, "Last sync", ago(t.last_sync_at));
    fill($("decisions-table").tBodies[0], detail.recent_decisions.map((d) => {
      const tr = el("tr");
      tr.append(cell(ago(d.decided_at), null, d.decided_at), cell(deviceNames.get(d.device_id) || shortId(d.device_id), null, d.device_id),
        cell(d.table), cell(shortId(d.record_id), "mono", d.record_id),
        cell(d.op === "use_server" ? "applied (use_server)" : d.status, d.status === "applied" ? null : "down"),
        cell(d.code || "–"));
      return tr;
    }), "No decisions yet.", 6);
    if (focus) $("account-title").focus();
  }

  function confirmRevoke(account, device) {
    const dialog = $("confirm");
    $("confirm-text").textContent = "\u201C" + device.name + "\u201D of " + account.name +
      " stops syncing: its token is refused from its next request on. This cannot be undone; the device must register again.";
    dialog.returnValue = "";
    dialog.onclose = async () => {
      dialog.onclose = null;
      if (dialog.returnValue !== "ok") return;
      try {
        await json("api/admin/accounts/" + encodeURIComponent(account.id) + "/devices/" +
          encodeURIComponent(device.device_id) + "/revoke", { method: "POST" });
        await openAccount(account.id, true);
      } catch (error) {
        failed(error);
      }
    };
    dialog.showModal();
    $("confirm-cancel").focus();
  }

  async function exportAccount() {
    if (!shownAccount) return;
    const status = $("export-status");
    status.textContent = "Exporting…";
    try {
      const response = await call("api/admin/accounts/" + encodeURIComponent(shownAccount) + "/export",
        { headers: { Accept: "application/x-ndjson" } });
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const link = el("a");
      link.href = url;
      link.download = "account-" + shownAccount + ".ndjson";
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      status.textContent = "Downloaded " + bytes(blob.size) + ".";
    } catch (error) {
      status.textContent = "";
      failed(error);
    }
  }

  // ---- 5. verify ----
  async function verify(event) {
    event.preventDefault();
    const source = $("verify-source").value;
    const button = $("verify-button");
    const progress = $("verify-progress");
    const result = $("verify-result");
    const status = $("verify-status");
    button.disabled = true;
    result.textContent = "";
    result.className = "";
    progress.hidden = false;
    progress.removeAttribute("value");
    const started = Date.now();
    status.textContent = "Verifying from " + source + "…";
    const poll = setInterval(async () => {
      try {
        const jobs = (await json("api/admin/jobs")).jobs.filter((j) => j.job.startsWith("Replay"));
        const seconds = Math.round((Date.now() - started) / 1000);
        if (jobs.length > 0 && jobs[0].total > 0) {
          progress.max = jobs[0].total;
          progress.value = jobs[0].done;
          status.textContent = "Replayed " + compact(jobs[0].done) + " of " + compact(jobs[0].total) + " changes · " + seconds + " s";
        } else {
          status.textContent = "Verifying from " + source + "… " + seconds + " s";
        }
      } catch (ignored) { /* the verify's own answer reports failures */ }
    }, 1000);
    try {
      const answer = await json("api/admin/verify", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ source: source }) });
      const mismatches = Object.entries(answer.tables).filter(([, t]) => t.mismatches > 0)
        .map(([name, t]) => name + " " + t.mismatches);
      result.textContent = answer.equal
        ? "Result: equal — " + compact(answer.changes_replayed) + " changes from " + source + " replayed in " + millis(answer.took_ms) + "."
        : "Result: differs — mismatches: " + mismatches.join(", ") + " (from " + source + ", " + millis(answer.took_ms) + ").";
      result.className = answer.equal ? "equal" : "differs";
      result.dataset.equal = String(answer.equal);
      status.textContent = "";
    } catch (error) {
      status.textContent = "";
      if (error instanceof Unauthorized) failed(error);
      else { result.textContent = "Verify failed: " + error.message; result.className = "differs"; }
    } finally {
      clearInterval(poll);
      progress.hidden = true;
      button.disabled = false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("sign-in-form").addEventListener("submit", signIn);
    $("sign-out").addEventListener("click", () => signOut(""));
    $("search-form").addEventListener("submit", search);
    $("verify-form").addEventListener("submit", verify);
    $("export-button").addEventListener("click", exportAccount);
    if (sessionStorage.getItem(TOKEN_KEY)) start();
    else $("token").focus();
  });
})();

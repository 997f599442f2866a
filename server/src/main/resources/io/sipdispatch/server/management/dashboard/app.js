// The sipdispatch dashboard: the sets and destinations of the default partition, refreshed every second
// over the JSON-RPC API, the state-change history, and, for callers with the write role, buttons that
// disable or enable a destination and reload the table. Plain browser JavaScript: nothing to build.
"use strict";

const REFRESH_MS = 1000;
let canWrite = false;
let lastSelected = new Map();   // URI of a set's destination -> requests sent at the last refresh
let lastAt = 0;

async function rpc(method, params) {
  const r = await fetch("/RPC", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", method, params: params || [], id: 1 }),
    credentials: "same-origin",
  });
  if (!r.ok) {
    throw new Error("HTTP " + r.status);
  }
  const answer = await r.json();
  if (answer.error) {
    throw new Error(answer.error.message);
  }
  return answer.result;
}

function say(text) {
  document.getElementById("message").textContent = text || "";
}

function cls(flags) {
  if (flags[0] === "D" || flags[0] === "R") return "off";
  if (flags[0] === "I") return "down";
  if (flags[0] === "T") return "trying";
  return "up";
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function renderSets(list, now) {
  const root = document.getElementById("sets");
  const seconds = lastAt ? (now - lastAt) / 1000 : 0;
  const selected = new Map();
  root.replaceChildren();
  for (const rec of list.RECORDS) {
    const set = rec.SET;
    const h = document.createElement("h2");
    h.textContent = "Set " + set.ID;
    root.appendChild(h);
    const table = document.createElement("table");
    table.className = "set";
    table.dataset.set = set.ID;
    table.createTHead().innerHTML = "<tr><th>destination</th><th>flags</th><th>state</th><th>priority</th>"
      + "<th>weight</th><th>calls</th><th>latency (ms)</th><th>requests/s</th><th>share</th><th></th></tr>";
    const body = table.createTBody();
    const rates = set.TARGETS.map(t => {
      const key = set.ID + " " + t.DEST.URI;
      const before = lastSelected.get(key);
      selected.set(key, t.DEST.SELECTED);
      return seconds > 0 && before !== undefined ? Math.max(0, (t.DEST.SELECTED - before) / seconds) : 0;
    });
    const total = rates.reduce((a, b) => a + b, 0);
    set.TARGETS.forEach((t, i) => {
      const d = t.DEST;
      const row = body.insertRow();
      row.className = "destination";
      row.dataset.uri = d.URI;
      row.dataset.flags = d.FLAGS;
      cell(row, d.URI);
      const f = cell(row, "");
      const badge = document.createElement("span");
      badge.className = "flags " + cls(d.FLAGS);
      badge.textContent = d.FLAGS;
      f.appendChild(badge);
      cell(row, d.STATE, "state");
      cell(row, d.PRIORITY, "num");
      cell(row, d.ATTRS.WEIGHT, "num");
      cell(row, d.CALLS, "num");
      cell(row, d.LATENCY.EST.toFixed(1), "num");
      cell(row, rates[i].toFixed(1), "num");
      const share = total > 0 ? rates[i] / total : 0;
      const s = cell(row, "");
      const bar = document.createElement("span");
      bar.className = "share";
      bar.style.width = Math.round(share * 80) + "px";
      s.appendChild(bar);
      s.appendChild(document.createTextNode(" " + Math.round(share * 100) + "%"));
      const actions = cell(row, "");
      if (canWrite) {
        const off = d.FLAGS[0] === "D";
        const b = document.createElement("button");
        b.textContent = off ? "Enable" : "Disable";
        b.className = off ? "enable" : "disable";
        b.addEventListener("click", () => act("dispatcher.set_state", [off ? "e" : "d", set.ID, d.URI]));
        actions.appendChild(b);
      }
    });
    root.appendChild(table);
  }
  lastSelected = selected;
  lastAt = now;
}

function renderHistory(events) {
  const body = document.querySelector("#history tbody");
  body.replaceChildren();
  for (const e of events.slice(-50).reverse()) {
    const row = body.insertRow();
    cell(row, new Date(e.time).toLocaleTimeString());
    cell(row, e.set);
    cell(row, e.destination);
    cell(row, e.old_state || "");
    cell(row, e.new_state || "");
    cell(row, e.reason);
  }
}

async function act(method, params) {
  try {
    await rpc(method, params);
    say("");
    await refresh();
  } catch (e) {
    say(method + ": " + e.message);
  }
}

async function refresh() {
  try {
    const [list, history] = await Promise.all([rpc("dispatcher.list"), rpc("dispatcher.history", [50])]);
    renderSets(list, Date.now());
    renderHistory(history);
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    say("cannot refresh: " + e.message);
  }
}

async function start() {
  try {
    const me = await rpc("system.whoami");
    canWrite = me.role === "write";
    document.getElementById("who").textContent = me.name + " (" + me.role + ")";
  } catch (e) {
    say("cannot reach the API: " + e.message);
  }
  const reload = document.getElementById("reload");
  reload.hidden = !canWrite;
  reload.addEventListener("click", () => act("dispatcher.reload", []));
  await refresh();
  setInterval(refresh, REFRESH_MS);
}

start();

// Sockeye's status page: polls /actuator/status every 1.5 s (a change shows within 2 s) and, for a listener whose
// connections are shown, one page of /actuator/tcp/{listener} every 6 s and on each click. Each poll costs the server
// one actuator request, so the page polls no more than it must (docs/status-page.md). No library: the charts are drawn
// on a canvas.
"use strict";

const POLL_MS = 1500;
const CONNECTIONS_EVERY = 4; // polls between two refreshes of a shown connection table (6 s)
const HISTORY = 200; // samples kept for the charts: 5 minutes at one every 1.5 s
const WINDOW_MS = 10000; // rates and latency over the last 10 s
const PAGE_SIZE = 50;
// where the actuator is, relative to this page (the server fills it in from management.endpoints.web.base-path)
const ACTUATOR = document.querySelector('meta[name="sockeye-actuator"]').content;

const listeners = new Map(); // name -> view state
let instance = null;
let failures = 0;

const $ = (tag, attrs = {}, ...children) => {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") element.className = value;
    else if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value);
  }
  element.append(...children);
  return element;
};

function number(value) {
  return Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "–";
}

function bytes(value) {
  if (!Number.isFinite(value)) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return (unit === 0 ? Math.round(value) : value.toFixed(1)) + " " + units[unit];
}

function rate(value, unit) {
  if (!Number.isFinite(value)) return "–";
  return (value >= 100 ? number(value) : value.toFixed(1)) + " " + unit + "/s";
}

function seconds(value) {
  if (!Number.isFinite(value)) return "–";
  if (value < 0.001) return (value * 1e6).toFixed(value < 1e-5 ? 1 : 0) + " µs";
  if (value < 1) return (value * 1000).toFixed(value < 0.01 ? 2 : 1) + " ms";
  if (value < 60) return value.toFixed(1) + " s";
  if (value < 3600) return Math.floor(value / 60) + " min " + Math.floor(value % 60) + " s";
  if (value < 86400) return Math.floor(value / 3600) + " h " + Math.floor((value % 3600) / 60) + " min";
  return Math.floor(value / 86400) + " d " + Math.floor((value % 86400) / 3600) + " h";
}

// a histogram bucket's upper bound: the quantile is at most this
function upTo(value) {
  return Number.isFinite(value) ? "≤ " + seconds(value) : value === Infinity ? "> 30 s" : "–";
}

function breakdown(counts) {
  const entries = Object.entries(counts || {});
  if (entries.length === 0) return [$("span", {}, "none")];
  return entries.map(([key, value]) => $("span", {}, key + " " + number(value)));
}

// requests at or under a bound in a histogram that lists only the buckets where the cumulative count steps up
function atOrUnder(histogram, bound) {
  let count = 0;
  for (let i = 0; i < histogram.bounds.length && histogram.bounds[i] <= bound; i++) count = histogram.counts[i];
  return count;
}

// a quantile of the requests between two cumulative histograms: the upper bound of the first bucket that holds it
function quantile(older, newer, q) {
  if (!older || !newer) return NaN;
  const total = newer.total - older.total;
  if (total <= 0) return NaN;
  for (const bound of newer.bounds) {
    if (atOrUnder(newer, bound) - atOrUnder(older, bound) >= q * total) return bound;
  }
  return Infinity;
}

function stat(label, field) {
  return $("div", {}, $("dt", {}, label), $("dd", { "data-field": field }, "–"));
}

function createView(listener) {
  const name = listener.name;
  const view = { name, samples: [], history: [], open: false, page: 0, sort: "opened", polls: 0 };
  const canvas = $("canvas", { role: "img", "aria-label": "Connections and messages per second of " + name });
  view.toggle = $("button", { type: "button", "aria-expanded": "false", onclick: () => toggleConnections(view) },
    "Show connections");
  view.panel = $("div", { class: "connections", hidden: "" });
  view.element = $("section", { class: "listener", id: "listener-" + name, "aria-labelledby": "title-" + name },
    $("div", { class: "title" }, $("h2", { id: "title-" + name }, name), $("span", { class: "badge", "data-field": "state" })),
    $("p", { class: "settings", "data-field": "settings" }),
    $("p", { class: "error", "data-field": "error", hidden: "" }),
    $("dl", { class: "stats" },
      stat("Connections", "connections"), stat("Limit", "limit"), stat("Opened", "opened"),
      stat("New connections", "openRate"), stat("Messages in", "messagesIn"), stat("Messages out", "messagesOut"),
      stat("Bytes in", "bytesIn"), stat("Bytes out", "bytesOut"), stat("Latency p50", "p50"),
      stat("Latency p99", "p99")),
    $("p", { class: "breakdown" }, $("strong", {}, "Rejected: "), $("span", { "data-field": "rejected" })),
    $("p", { class: "breakdown" }, $("strong", {}, "Closed: "), $("span", { "data-field": "closed" })),
    $("p", { class: "breakdown" }, $("strong", {}, "Errors: "), $("span", { "data-field": "errors" })),
    $("p", { class: "breakdown", "data-field": "upstreams", hidden: "" }),
    $("div", { class: "legend", "aria-hidden": "true" }, $("span", { class: "conn" }, "connections"),
      $("span", { class: "msg" }, "messages in per second"), $("span", {}, "last 5 minutes")),
    canvas, $("p", {}, view.toggle), view.panel);
  view.canvas = canvas;
  return view;
}

function set(view, field, text) {
  const element = view.element.querySelector('[data-field="' + field + '"]');
  if (element.textContent !== text) element.textContent = text;
  return element;
}

function update(view, listener, time) {
  const state = set(view, "state", listener.state);
  state.className = "badge " + listener.state;
  const settings = [listener.address + ":" + listener.port, listener.io + (listener.loops > 0 ? ", " + listener.loops
      + (listener.loops === 1 ? " event loop" : " event loops") : ""), listener.framing, "service " + listener.service,
    listener.mode, listener.tlsBundle ? "TLS (" + listener.tlsBundle + ")" : "plain TCP",
    listener.proxyProtocol === "off" ? "no PROXY protocol" : "PROXY protocol " + listener.proxyProtocol];
  set(view, "settings", settings.join(" · "));
  const error = set(view, "error", listener.error || "");
  error.hidden = !listener.error;

  view.samples.push({ time, listener });
  while (view.samples.length > 2 && time - view.samples[1].time >= WINDOW_MS) view.samples.shift();
  const oldest = view.samples[0];
  const span = (time - oldest.time) / 1000;
  const perSecond = (key) => (span > 0 ? (listener[key] - oldest.listener[key]) / span : NaN);

  set(view, "connections", number(listener.connections));
  set(view, "limit", listener.maxConnections > 0 ? number(listener.maxConnections) : "none");
  set(view, "opened", number(listener.opened));
  set(view, "openRate", rate(perSecond("opened"), "conn"));
  set(view, "messagesIn", number(listener.messagesReceived) + " (" + rate(perSecond("messagesReceived"), "msg") + ")");
  set(view, "messagesOut", number(listener.messagesSent) + " (" + rate(perSecond("messagesSent"), "msg") + ")");
  set(view, "bytesIn", bytes(listener.bytesReceived) + " (" + bytes(perSecond("bytesReceived")) + "/s)");
  set(view, "bytesOut", bytes(listener.bytesSent) + " (" + bytes(perSecond("bytesSent")) + "/s)");
  set(view, "p50", upTo(quantile(oldest.listener.latency, listener.latency, 0.5)));
  set(view, "p99", upTo(quantile(oldest.listener.latency, listener.latency, 0.99)));
  for (const field of ["rejected", "closed", "errors"]) {
    view.element.querySelector('[data-field="' + field + '"]').replaceChildren(...breakdown(listener[field]));
  }
  const upstreams = view.element.querySelector('[data-field="upstreams"]');
  const entries = Object.entries(listener.upstreams || {});
  upstreams.hidden = entries.length === 0;
  upstreams.replaceChildren($("strong", {}, "Upstreams: "), ...entries.map(([upstream, status]) =>
    $("span", {}, upstream + " ", $("span", { class: "badge " + (status === "up" ? "up" : "down"), title: status },
      status === "up" ? "up" : "down"))));

  const previous = view.samples.length > 1 ? view.samples[view.samples.length - 2] : null;
  const messageRate = previous && time > previous.time
    ? (listener.messagesReceived - previous.listener.messagesReceived) * 1000 / (time - previous.time) : 0;
  view.history.push({ time, connections: listener.connections, messages: messageRate });
  if (view.history.length > HISTORY) view.history.shift();
  draw(view);
}

function draw(view) {
  const canvas = view.canvas;
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth, height = canvas.clientHeight;
  if (width === 0) return;
  if (canvas.width !== Math.round(width * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const g = canvas.getContext("2d");
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  const history = view.history;
  const maxConnections = Math.max(1, ...history.map((s) => s.connections));
  const maxMessages = Math.max(1, ...history.map((s) => s.messages));
  const styles = getComputedStyle(document.documentElement);
  const line = (key, max, color) => {
    g.strokeStyle = color;
    g.lineWidth = 1.5;
    g.beginPath();
    history.forEach((sample, i) => {
      const x = width - (history.length - 1 - i) * (width / (HISTORY - 1));
      const y = height - 4 - (sample[key] / max) * (height - 22);
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.stroke();
  };
  line("connections", maxConnections, styles.getPropertyValue("--conn").trim());
  line("messages", maxMessages, styles.getPropertyValue("--msg").trim());
  g.font = "12px system-ui, sans-serif";
  g.fillStyle = styles.getPropertyValue("--conn").trim();
  g.fillText("max " + number(maxConnections) + " conn", 6, 14);
  g.fillStyle = styles.getPropertyValue("--msg").trim();
  const label = "max " + rate(maxMessages, "msg");
  g.fillText(label, width - g.measureText(label).width - 6, 14);
  const last = history[history.length - 1];
  canvas.setAttribute("aria-label", "Last 5 minutes of " + view.name + ": now " + number(last.connections)
    + " connections and " + rate(last.messages, "messages") + "; at most " + number(maxConnections) + " and "
    + rate(maxMessages, "messages"));
}

function toggleConnections(view) {
  view.open = !view.open;
  view.panel.hidden = !view.open;
  if (!view.open) {
    view.rows = null;
    view.panel.replaceChildren();
  }
  view.toggle.textContent = view.open ? "Hide connections" : "Show connections";
  view.toggle.setAttribute("aria-expanded", String(view.open));
  if (view.open) loadConnections(view);
}

const COLUMNS = [
  ["Client", "client"], ["Age", "opened"], ["Idle", "idle"], ["Received", "received"], ["Sent", "sent"],
  ["Messages in / out", "messages"],
];

async function loadConnections(view) {
  const url = ACTUATOR + "/tcp/" + encodeURIComponent(view.name) + "?sort=" + view.sort + "&page=" + view.page
    + "&size=" + PAGE_SIZE;
  try {
    const response = await fetch(url, { cache: "no-store", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error("HTTP " + response.status);
    const page = await response.json();
    if (view.page > 0 && page.connections.length === 0 && page.total > 0) {
      view.page = Math.floor((page.total - 1) / PAGE_SIZE);
      return loadConnections(view);
    }
    renderConnections(view, page);
  } catch (error) {
    view.rows = null;
    view.panel.replaceChildren($("p", { class: "error" }, "Could not load the connections: " + error.message));
  }
}

// the table is built once per opening and then updated in place, so that focus and a pending click survive a refresh
function buildConnections(view) {
  const canClose = instance && instance.canCloseConnections;
  view.sortButtons = new Map();
  const header = $("tr", {}, ...COLUMNS.map(([label, sort]) => {
    const button = $("button", { type: "button", onclick: () => { view.sort = sort; view.page = 0; loadConnections(view); } },
      label);
    view.sortButtons.set(sort, button);
    return $("th", { scope: "col" }, button);
  }), ...(canClose ? [$("th", { scope: "col" }, "Action")] : []));
  view.rows = $("tbody");
  view.previous = $("button", { type: "button", onclick: () => { view.page--; loadConnections(view); } }, "Previous");
  view.next = $("button", { type: "button", onclick: () => { view.page++; loadConnections(view); } }, "Next");
  view.range = $("span", { "data-field": "range", "aria-live": "polite" });
  view.canClose = canClose;
  view.panel.replaceChildren($("div", { class: "table" },
    $("table", {}, $("caption", { class: "settings" }, "Open connections of " + view.name), $("thead", {}, header),
      view.rows)), $("div", { class: "pager" }, view.previous, view.range, view.next));
}

function connectionCells(c, now) {
  return [c.remoteAddress + ":" + c.remotePort, seconds((now - Date.parse(c.openedAt)) / 1000),
    seconds(Math.max(0, now - Date.parse(c.lastActivity)) / 1000), bytes(c.bytesReceived), bytes(c.bytesSent),
    number(c.messagesReceived) + " / " + number(c.messagesSent)];
}

function renderConnections(view, page) {
  if (!view.rows) buildConnections(view);
  const now = Date.now();
  for (const [sort, button] of view.sortButtons) {
    const th = button.parentElement;
    // every order but the client's puts the largest value of its column first (oldest, longest idle, most bytes)
    if (sort === view.sort) th.setAttribute("aria-sort", sort === "client" ? "ascending" : "descending");
    else th.removeAttribute("aria-sort");
  }
  const existing = new Map([...view.rows.children].map((row) => [row.dataset.id, row]));
  const focused = view.rows.contains(document.activeElement);
  const rows = page.connections.map((c) => {
    const cells = connectionCells(c, now);
    let row = existing.get(c.id);
    if (row) {
      cells.forEach((text, i) => { if (row.cells[i].textContent !== text) row.cells[i].textContent = text; });
      return row;
    }
    row = $("tr", { "data-id": c.id }, ...cells.map((text) => $("td", {}, text)));
    if (view.canClose) {
      row.append($("td", {}, $("button", { type: "button", class: "danger close",
        "aria-label": "Close connection " + c.id + " from " + c.remoteAddress + ":" + c.remotePort,
        onclick: () => closeConnection(view, c) }, "Close")));
    }
    return row;
  });
  // with a row's button focused, leave the rows where they are until focus moves on (a keyboard user's place)
  const same = rows.length === view.rows.children.length && rows.every((row, i) => view.rows.children[i] === row);
  if (!same && !focused) view.rows.replaceChildren(...rows);
  const first = page.total === 0 ? 0 : view.page * PAGE_SIZE + 1;
  const last = view.page * PAGE_SIZE + page.connections.length;
  const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE));
  const range = number(first) + "–" + number(last) + " of " + number(page.total) + " (page " + (view.page + 1)
    + " of " + pages + ")";
  if (view.range.textContent !== range) view.range.textContent = range;
  view.previous.disabled = view.page === 0;
  view.next.disabled = view.page + 1 >= pages;
}

async function closeConnection(view, connection) {
  if (!window.confirm("Close connection " + connection.id + " from " + connection.remoteAddress + ":"
    + connection.remotePort + " on " + view.name + "?")) return;
  const response = await fetch(ACTUATOR + "/tcp/" + encodeURIComponent(view.name) + "/"
    + encodeURIComponent(connection.id), { method: "DELETE" });
  setLive(response.ok ? "Closed connection " + connection.id : "Could not close " + connection.id + ": HTTP "
    + response.status, !response.ok);
  loadConnections(view);
}

function setLive(text, stale) {
  const live = document.getElementById("live");
  live.textContent = text;
  live.classList.toggle("stale", stale);
}

function renderInstance(status) {
  instance = status.instance;
  const uptime = (Date.parse(status.time) - Date.parse(instance.startedAt)) / 1000;
  const items = [["Version", instance.version], ["Up", seconds(uptime)], ["Java", instance.java],
    ["Readiness", instance.readiness], ["Closing connections", instance.canCloseConnections ? "allowed" : "not allowed"]];
  document.getElementById("instance").replaceChildren(...items.map(([term, value]) =>
    $("div", {}, $("dt", {}, term), $("dd", term === "Readiness" ? { class: "badge " + value } : {}, value))));
}

let timer = null;

async function poll() {
  timer = null;
  if (document.hidden) return; // a tab in the background costs the server nothing; polling resumes when shown
  try {
    const response = await fetch(ACTUATOR + "/status", { cache: "no-store", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error("HTTP " + response.status);
    const status = await response.json();
    const time = Date.parse(status.time);
    renderInstance(status);
    const main = document.getElementById("listeners");
    for (const listener of status.listeners) {
      let view = listeners.get(listener.name);
      if (!view) {
        view = createView(listener);
        listeners.set(listener.name, view);
        main.append(view.element);
      }
      update(view, listener, time);
      if (view.open && ++view.polls % CONNECTIONS_EVERY === 0) loadConnections(view);
    }
    failures = 0;
    setLive("Live, updated " + new Date(time).toLocaleTimeString("en-GB"), false);
  } catch (error) {
    failures++;
    setLive("Not updating (" + error.message + "), retrying", true);
  } finally {
    if (!document.hidden) timer = setTimeout(poll, failures > 0 ? Math.min(10000, POLL_MS * 2 ** failures) : POLL_MS);
  }
}

document.addEventListener("visibilitychange", () => {
  if (!document.hidden && timer === null) poll();
});
poll();

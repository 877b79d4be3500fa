// The dashboard: four pages over the bot's API (paths relative to the page, which is served at
// WEB_APP_URL's path). Every call carries Telegram's initData; every
// word comes from the server's catalogues (T), in the reader's language.
"use strict";
const tg = window.Telegram.WebApp;
let T = {};
let me = null;

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

async function api(path, body) {
  const options = { headers: { Authorization: "tma " + tg.initData } };
  if (body !== undefined) {
    options.method = "POST";
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const json = (response.headers.get("Content-Type") || "").includes("json");
  const data = json ? await response.json() : await response.blob();
  if (!response.ok) throw new Error((json && data.error) || T.error || response.status);
  return data;
}

function toast(text) {
  const box = document.getElementById("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 4000);
}

// The page being shown: a page whose data arrives after another was opened draws nothing.
let current = null;

function view() {
  const ticket = current;
  return (...nodes) => {
    if (ticket !== current) return;
    document.getElementById("page").replaceChildren(...nodes.flat(Infinity).filter(Boolean));
  };
}

async function go(page, ...args) {
  current = {};
  await guarded(() => pages[page](...args));
}

function applyTheme() {
  const names = { bg_color: "bg", text_color: "text", hint_color: "hint", link_color: "link",
    button_color: "button", button_text_color: "button-text", secondary_bg_color: "secondary-bg" };
  for (const [key, name] of Object.entries(names)) {
    const value = (tg.themeParams || {})[key];
    if (value) document.documentElement.style.setProperty("--tg-" + name, value);
  }
}

async function guarded(action) {
  try { await action(); } catch (error) { toast(error.message); }
}

// ---- My tasks -------------------------------------------------------------------------
function taskCard(task) {
  const note = h("input", { placeholder: T.note, "data-test": "note-" + task.id });
  return h("div", { class: "card", "data-test": "task-" + task.id },
    h("div", { class: "title" }, task.title),
    h("div", { class: task.overdue ? "overdue" : "hint" }, T.due + ": " + task.due),
    h("div", { class: "hint" }, T.progress + ": " + task.progress),
    task.mine === "open" ? [note, h("button", { class: "primary", "data-test": "done-" + task.id,
      onclick: () => guarded(async () => {
        const result = await api("api/tasks/" + task.id + "/done", { note: note.value });
        toast(result.message);
        await go("mine");
      }) }, T.mark_done)] : null);
}

const pages = {
  async mine() {
    const draw = view();
    const data = await api("api/tasks/mine");
    draw(h("h2", {}, T.not_done),
      data.open.length ? data.open.map(taskCard) : h("p", { class: "hint" }, T.none_open),
      h("h2", {}, T.done),
      data.done.length ? data.done.map((part) => h("div", { class: "card", "data-test": "finished-" + part.id },
        h("div", { class: "title" }, "#" + part.id + " " + part.title),
        h("div", { class: "done" }, part.status + (part.at ? " · " + part.at : "")),
        part.note ? h("div", { class: "hint" }, part.note) : null))
        : h("p", { class: "hint" }, T.none_done));
  },

  async committee() {
    const draw = view();
    const data = await api("api/committee");
    const chart = h("img", { class: "chart", alt: T.chart });
    api("api/committee/chart.png").then((blob) => { chart.src = URL.createObjectURL(blob); })
      .catch(() => chart.remove());
    const table = (rows) => h("table", {}, h("tr", {}, h("th", {}, ""), h("th", {}, T.done),
        h("th", {}, T.overdue), h("th", {}, T.completion), h("th", {}, T.rate)),
      rows.map((row) => h("tr", { "data-test": "tally" },
        h("td", {}, row.name, h("div", { class: "bar" }, h("span", { style: "width:" + (parseInt(row.completion) || 0) + "%" }))),
        h("td", {}, row.done + "/" + row.assigned),
        h("td", { class: row.overdue ? "overdue" : "" }, row.overdue),
        h("td", {}, row.completion), h("td", {}, row.rate))));
    draw(h("h2", {}, data.title), chart,
      h("h2", {}, T.by_unit), table(data.units),
      h("h2", {}, T.by_person), table(data.people),
      h("h2", {}, T.open_tasks),
      data.tasks.map((task) => h("div", { class: "card", "data-test": "open-" + task.id,
        onclick: () => go("task", task.id) },
        h("div", { class: "title" }, task.title),
        h("div", { class: task.overdue ? "overdue" : "hint" }, task.due),
        h("div", { class: "hint" }, T.progress + ": " + task.progress))));
  },

  async task(id) {
    const draw = view();
    const task = await api("api/tasks/" + id);
    draw(h("button", { class: "secondary", onclick: () => go("committee") }, "← " + T.back),
      h("h2", {}, task.title),
      h("div", { class: task.overdue ? "overdue" : "hint" }, T.due + ": " + task.due),
      h("div", { class: "hint" }, T.progress + ": " + task.progress),
      h("h2", {}, T.parts),
      task.parts.map((part) => h("div", { class: "card", "data-test": "part" },
        h("div", { class: "title" }, part.name),
        h("div", { class: part.done ? "done" : "hint" }, part.status + (part.at ? " · " + part.at : "")),
        part.note ? h("div", { class: "hint" }, part.note) : null)),
      task.manages && task.open ? h("button", { class: "primary", "data-test": "remind",
        onclick: () => guarded(async () => toast((await api("api/tasks/" + id + "/remind", {})).message)) },
        T.remind) : null);
  },

  async new() {
    const draw = view();
    const roster = await api("api/roster");
    draw(h("h2", {}, T.new_task), form("task", roster), h("h2", {}, T.new_meeting), form("meeting", roster));
  },

  async meetings() {
    const draw = view();
    const data = await api("api/meetings");
    draw(h("h2", {}, T.upcoming),
      data.meetings.length ? data.meetings.map(meetingCard) : h("p", { class: "hint" }, T.none_meetings));
  },
};

// ---- Forms ----------------------------------------------------------------------------
function form(kind, roster) {
  const unit = h("select", { "data-test": kind + "-unit" }, h("option", { value: "" }, T.no_unit),
    roster.units.map((u) => h("option", { value: u.id }, u.name)));
  const people = h("div", { "data-test": kind + "-people" });
  const fill = () => {
    const chosen = roster.units.filter((u) => !unit.value || String(u.id) === unit.value);
    const seen = new Set();
    people.replaceChildren(...chosen.flatMap((u) => u.members).filter((m) => !seen.has(m.id) && seen.add(m.id))
      .map((m) => h("label", { class: "check" }, h("input", { type: "checkbox", value: m.id }), m.name)));
  };
  unit.addEventListener("change", fill);
  fill();
  const field = (name, label, attrs) => [h("label", {}, label), h(attrs && attrs.tag || "input", { name, "data-test": kind + "-" + name, ...(attrs || {}), tag: null })];
  const node = h("form", { "data-test": kind + "-form" },
    field("title", kind === "task" ? T.task_title : T.meeting_title, { required: true }),
    h("label", {}, T.unit), unit,
    h("label", {}, kind === "task" ? T.assignees : T.attendees), people,
    h("div", { class: "row" }, h("div", {}, field("date", T.date, { type: "date" })),
      h("div", {}, field("time", T.time, { type: "time" }))),
    kind === "task" ? field("tag", T.tag) : [field("place", T.place), field("agenda", T.agenda, { tag: "textarea" })],
    field("repeat", T.repeat),
    h("button", { class: "primary", type: "submit", "data-test": kind + "-create" }, T.create));
  node.addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(async () => {
      const values = Object.fromEntries(new FormData(node).entries());
      values.unit_id = unit.value ? Number(unit.value) : null;
      values.member_ids = [...people.querySelectorAll("input:checked")].map((box) => Number(box.value));
      const result = await api(kind === "task" ? "api/tasks" : "api/meetings", values);
      toast(result.message);
      node.reset();
      fill();
    });
  });
  return node;
}

function meetingCard(meeting) {
  const reason = h("input", { placeholder: T.reason, "data-test": "reason-" + meeting.id });
  const answer = (response) => guarded(async () => {
    await api("api/meetings/" + meeting.id + "/rsvp", { response, reason: reason.value });
    await go("meetings");
  });
  const mine = { attend: T.you_attend, absent: T.you_absent }[meeting.mine] || T.you_silent;
  return h("div", { class: "card", "data-test": "meeting-" + meeting.id },
    h("div", { class: "title" }, meeting.title),
    h("div", { class: "hint" }, meeting.when + (meeting.place ? " · " + meeting.place : "")),
    h("div", { class: "hint" }, T.attendance + ": " + meeting.counts),
    meeting.invited ? [h("div", {}, mine + (meeting.reason ? " — " + meeting.reason : "")), reason,
      h("div", { class: "row" },
        h("button", { class: "primary", "data-test": "attend-" + meeting.id, onclick: () => answer("attend") }, T.attend),
        h("button", { class: "secondary", "data-test": "absent-" + meeting.id, onclick: () => answer("absent") }, T.absent))] : null,
    meeting.attendees ? h("table", {}, meeting.attendees.map((a) =>
      h("tr", {}, h("td", {}, a.name), h("td", {}, a.response), h("td", { class: "hint" }, a.reason)))) : null);
}

// ---- Start ----------------------------------------------------------------------------
async function open(name) {
  for (const tab of document.querySelectorAll("nav button")) tab.classList.toggle("active", tab.dataset.page === name);
  await go(name);
}

async function start() {
  applyTheme();
  tg.ready();
  if (tg.expand) tg.expand();
  try {
    me = await api("api/me");
  } catch (error) {
    draw(h("p", { class: "overdue", "data-test": "refused" }, error.message));
    return;
  }
  T = me.texts;
  document.title = T.title;
  document.documentElement.lang = me.language;
  const names = me.admin ? ["mine", "committee", "new", "meetings"] : ["mine", "meetings"];
  document.getElementById("tabs").replaceChildren(...names.map((name) =>
    h("button", { "data-page": name, "data-test": "tab-" + name, onclick: () => open(name) }, T["tab_" + name])));
  await open("mine");
}

start();

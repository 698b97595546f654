"""The page of ``simconc step FILE --web`` (:mod:`.stepweb`): one self-contained file, its style
and script inline, hand-written here. It fetches nothing but the session's API on the server
that serves it, and draws what the API says: no state of its own but which step it showed
last (to mark the steps a click took), so the same clicks always show the same page.
"""
from __future__ import annotations

_STYLE = """
:root { --ink: #111827; --muted: #6b7280; --line: #e5e7eb; --accent: #2563eb;
        --good: #15803d; --bad: #b91c1c; --mono: ui-monospace, Menlo, Consolas, monospace; }
* { box-sizing: border-box; }
body { font-family: system-ui, sans-serif; margin: 0; color: var(--ink); background: #f9fafb; }
header { background: white; border-bottom: 1px solid var(--line); padding: 0.7em 1.2em; }
h1 { font: bold 1.05em var(--mono); margin: 0; }
#title { margin: 0.25em 0 0; }
#goal { margin: 0.25em 0 0; color: #374151; }
.bar { display: flex; gap: 0.5em; align-items: center; flex-wrap: wrap; margin-top: 0.6em; }
button { font: inherit; font-size: 0.9em; padding: 0.3em 0.8em; cursor: pointer;
         border: 1px solid #d1d5db; border-radius: 5px; background: white; }
button:hover:not(:disabled) { border-color: var(--accent); }
button:disabled { cursor: default; color: #9ca3af; background: #f3f4f6; }
button.pick { background: var(--accent); color: white; border-color: var(--accent); }
button.pick:disabled { background: #f3f4f6; color: #9ca3af; border-color: #d1d5db; }
#count { font: bold 1.1em var(--mono); margin-left: auto; }
#status { margin: 0.6em 0 0; padding: 0.45em 0.7em; border-radius: 5px; background: #eef2ff; }
#status.reached { background: #dcfce7; color: #14532d; font-weight: 600; }
#status.over { background: #fef3c7; }
#message { color: var(--bad); margin: 0.4em 0 0; min-height: 1.2em; }
#hint { color: #374151; font-style: italic; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1em;
       padding: 1em 1.2em; }
section { background: white; border: 1px solid var(--line); border-radius: 6px;
          padding: 0.6em 0.8em; margin-bottom: 1em; }
h2 { font-size: 0.95em; margin: 0 0 0.5em; color: #374151; }
.thread { border: 1px solid var(--line); border-radius: 6px; padding: 0.5em 0.7em;
          margin-bottom: 0.7em; border-left: 4px solid #9ca3af; }
.thread.runnable { border-left-color: var(--accent); }
.thread.blocked { border-left-color: var(--bad); }
.thread.done { opacity: 0.65; }
.thread .head { display: flex; gap: 0.6em; align-items: baseline; flex-wrap: wrap; }
.thread .name { font: bold 1em var(--mono); }
.thread .state { font-size: 0.85em; padding: 0 0.45em; border-radius: 4px; background: #f3f4f6; }
.thread.runnable .state { background: #dbeafe; }
.thread.blocked .state { background: #fee2e2; }
.thread .head button { margin-left: auto; }
.thread .next, .thread .where { font-size: 0.88em; color: #374151; margin-top: 0.2em; }
pre { font: 0.85em/1.45 var(--mono); margin: 0.4em 0 0; overflow-x: auto; }
.code { background: #f8fafc; border: 1px solid #eef2f7; border-radius: 4px; padding: 0.3em 0; }
.code div { padding: 0 0.6em; white-space: pre; }
.code .no { color: #9ca3af; display: inline-block; width: 4.5em; padding-right: 0.8em;
            text-align: right; user-select: none; }
.code .current { background: #fef9c3; font-weight: 600; }
.code .current .no::before { content: "\\25B6  "; color: var(--accent); }
#output { background: #111827; color: #e5e7eb; padding: 0.5em 0.7em; border-radius: 4px;
          min-height: 2.2em; white-space: pre-wrap; }
table { border-collapse: collapse; width: 100%; font: 0.82em var(--mono); }
td:nth-child(3) { white-space: nowrap; }
td, th { text-align: left; padding: 0.15em 0.5em 0.15em 0; border-bottom: 1px solid #f3f4f6;
         vertical-align: top; }
th { color: var(--muted); font-weight: normal; }
tr.new { background: #fef9c3; }
#timeline-section { grid-column: 1 / -1; }
#timeline svg { width: 100%; height: auto; display: block; }
#token, #replay { font: 0.85em var(--mono); word-break: break-all; }
.muted { color: var(--muted); font-size: 0.88em; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
"""

_BODY = """
<header>
<h1 id="program">simconc step</h1>
<p id="title"></p>
<p id="goal"></p>
<div class="bar">
<button type="button" id="auto" title="let the scheduler choose until a thread blocks, wakes or
ends, a lock changes hands, or the goal is met (key a)">run on</button>
<button type="button" id="to-goal" title="let the scheduler choose until the goal is met or the
run ends (key g)">run to the goal</button>
<button type="button" id="undo" title="undo the last action (key u)">undo</button>
<button type="button" id="reset" title="back to the start">start again</button>
<button type="button" id="show-hint" hidden>hint</button>
<span id="count"><span class="muted">step</span> <span id="steps">0</span></span>
</div>
<p id="status" role="status"></p>
<p id="hint" hidden></p>
<p id="message" role="alert"></p>
</header>
<main>
<div>
<section><h2>Threads <span class="muted">(a thread's button, or its number on the keyboard,
runs it one step)</span></h2><div id="threads"></div></section>
</div>
<div>
<section><h2>Output</h2><pre id="output"></pre></section>
<section><h2>Steps so far</h2><table><thead><tr><th>step</th><th>thread</th><th>what</th>
<th>where</th></tr></thead><tbody id="history"></tbody></table></section>
<section><h2>Schedule token</h2>
<div id="token"></div>
<p class="muted">replays the run to here:</p>
<div id="replay"></div>
<div class="bar"><button type="button" id="copy">copy the command</button>
<span id="copied" class="muted"></span></div>
</section>
</div>
<section id="timeline-section"><h2>Timeline of the run so far <span class="muted">(its x axis
the steps; hover a bar or a mark: what it was)</span></h2><div id="timeline"></div></section>
</main>
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var state = null, shown = null, busy = false;
  function $(id) { return document.getElementById(id); }
  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function say(text) { $("message").textContent = text || ""; }

  function request(method, path, body) {
    var options = {method: method, headers: {}};
    if (method === "POST") {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body || {});
    }
    return fetch(path, options).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    });
  }
  function act(path, body) {
    if (busy) { return; }
    busy = true;
    document.body.classList.add("busy");
    request("POST", path, body).then(function (answer) {
      if (answer.ok) { say(""); show(answer.data); } else { say(answer.data.error); }
    }).catch(function () {
      say("the server does not answer: is simconc step still running?");
    }).then(function () {
      busy = false;
      document.body.classList.remove("busy");
    });
  }

  function threadCard(t, runnable, over) {
    var card = element("div", "thread " + t.state);
    card.dataset.name = t.name;
    var head = element("div", "head");
    head.appendChild(element("span", "number", String(t.number)));
    var name = element("span", "name", t.name);
    if (t.colour) { name.style.color = t.colour; }
    head.appendChild(name);
    head.appendChild(element("span", "state", t.state));
    var button = element("button", "pick", "step " + t.name);
    button.type = "button";
    button.dataset.thread = t.name;
    button.disabled = over || runnable.indexOf(t.number) < 0;
    button.title = t.state === "blocked" ? "it waits for " + t.waits_for :
      t.state === "done" ? "it has ended" : "run " + t.name + " one step (key " + t.number + ")";
    button.addEventListener("click", function () { act("/api/pick", {thread: t.number}); });
    head.appendChild(button);
    card.appendChild(head);
    if (t.state === "runnable") {
      card.appendChild(element("div", "next", "next: " + t.next));
    } else if (t.state === "blocked") {
      card.appendChild(element("div", "next", "waits for " + t.waits_for));
    }
    if (t.file) {
      var inside = t.functions.length ? " in " + t.functions.join(" \u2192 ") : "";
      card.appendChild(element("div", "where", t.file + ":" + t.line + inside));
      var code = element("pre", "code");
      t.context.forEach(function (pair) {
        var row = element("div", pair[0] === t.line ? "current" : "");
        row.appendChild(element("span", "no", String(pair[0])));
        row.appendChild(document.createTextNode(pair[1]));
        code.appendChild(row);
      });
      card.appendChild(code);
    }
    return card;
  }

  function show(s) {
    var before = shown === null ? s.steps : shown;
    state = s;
    shown = s.steps;
    $("program").textContent = "simconc step " + s.program;
    $("title").textContent = s.title;
    $("title").hidden = !s.title;
    $("goal").textContent = s.goal ? "goal: " + s.goal.describe +
      (s.fewest !== null ? " (fewest steps known: " + s.fewest + ")" : "") :
      "no goal: step through and watch (--goal sets one)";
    $("steps").textContent = String(s.steps);
    var status = $("status"), text;
    if (s.reached) {
      text = "goal met after " + s.reached.steps + " steps: " + s.reached.how;
      if (s.reached.verdict) {
        text += " \u2014 fewest steps known: " + s.fewest + " (" + s.reached.verdict + ")";
      }
      if (s.over && s.reached.steps !== s.steps) { text += " \u2014 the run is over"; }
      status.className = "reached";
    } else if (s.over) {
      text = "after " + s.steps + " steps the run is over: " + s.ending +
        " (undo goes back)";
      status.className = "over";
    } else {
      text = "step " + s.steps + ": which thread takes the next step?" +
        (s.because ? " (stopped: " + s.because + ")" : "");
      status.className = "";
    }
    status.textContent = text;
    status.dataset.reached = s.reached ? "yes" : "no";
    status.dataset.over = s.over ? "yes" : "no";
    $("show-hint").hidden = !s.hint;
    $("hint").textContent = "hint: " + s.hint;
    $("auto").disabled = s.over;
    $("to-goal").disabled = s.over;
    $("undo").disabled = s.undoable === 0;

    var threads = $("threads");
    threads.textContent = "";
    s.threads.forEach(function (t) { threads.appendChild(threadCard(t, s.runnable, s.over)); });

    $("output").textContent = s.output;
    var history = $("history");
    history.textContent = "";
    s.history.forEach(function (row) {
      var tr = element("tr", row.step > before ? "new" : "");
      [String(row.step), row.thread, (row.op + " " + row.obj).trim(), row.where]
        .forEach(function (cell) { tr.appendChild(element("td", "", cell)); });
      history.appendChild(tr);
    });
    $("timeline").innerHTML = s.timeline;   // (an SVG simconc drew, its text escaped)
    $("token").textContent = s.token;
    $("replay").textContent = s.replay;
    $("copied").textContent = "";
  }

  $("auto").addEventListener("click", function () { act("/api/auto", {until: "event"}); });
  $("to-goal").addEventListener("click", function () { act("/api/auto", {until: "goal"}); });
  $("undo").addEventListener("click", function () { act("/api/undo"); });
  $("reset").addEventListener("click", function () { shown = null; act("/api/reset"); });
  $("show-hint").addEventListener("click", function () { $("hint").hidden = false; });
  $("copy").addEventListener("click", function () {
    if (!state) { return; }
    var done = function () { $("copied").textContent = "copied"; };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(state.replay).then(done, function () {
        $("copied").textContent = "select the command and copy it";
      });
    } else {
      window.getSelection().selectAllChildren($("replay"));
    }
  });
  window.addEventListener("keydown", function (e) {
    if (!state || e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (/^[1-9]$/.test(e.key)) {
      var number = Number(e.key);
      if (state.runnable.indexOf(number) >= 0) { act("/api/pick", {thread: number}); }
    } else if (e.key === "a" && !state.over) { act("/api/auto", {until: "event"}); }
    else if (e.key === "g" && !state.over) { act("/api/auto", {until: "goal"}); }
    else if (e.key === "u" && state.undoable > 0) { act("/api/undo"); }
  });
  request("GET", "/api/state").then(function (answer) {
    if (answer.ok) { show(answer.data); } else { say(answer.data.error); }
  }).catch(function () { say("the server does not answer: is simconc step still running?"); });
}());
"""

#: The page, whole.
PAGE = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>simconc step</title>\n<style>" + _STYLE + "</style>\n</head>\n<body>" + _BODY +
        "<script>" + _SCRIPT + "</script>\n</body>\n</html>\n")

// The test console's page: sends what the person types (or says) to the console's JSON API and
// shows the turn. Everything from the skill is put in the page as text (textContent), never as
// HTML; the screen preview is a sandboxed frame the server draws.
"use strict";

const $ = (id) => document.getElementById(id);
let state = null;
let turns = [];
let current = null;   // the turn shown in the panels

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
  };
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    return {error: "the console is not running (" + error.message + ")"};
  }
  try {
    return await response.json();
  } catch (error) {
    return {error: "the console sent something unreadable (HTTP " + response.status + ")"};
  }
}

function say(cls, text) {
  const item = document.createElement("li");
  item.className = cls;
  item.textContent = text;
  $("log").appendChild(item);
  item.scrollIntoView({block: "end"});
  return item;
}

function setStatus(text) { $("status").textContent = text || ""; }

function fill(select, values, chosen) {
  select.replaceChildren();
  for (const [value, label] of values) {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = label;
    option.selected = value === chosen;
    select.appendChild(option);
  }
}

function showState(next) {
  if (!next) return;
  state = next;
  fill($("locale"), state.locales.map((l) => [l, l]), state.locale);
  fill($("device"), Object.keys(state.devices).map((d) => {
    const screen = state.devices[d].screen;
    return [d, screen ? `${d} (${screen.width}x${screen.height}${screen.shape === "round" ? " round" : ""})` : `${d} (no screen)`];
  }), state.device);
  const sizes = Object.keys(state.devices).filter((d) => state.devices[d].screen);
  const chosenSize = $("screen-size").value || "";
  fill($("screen-size"), [["", "as sent"], ...sizes.map((d) => [d, d])], chosenSize);
  $("permission-reminders").checked = !!state.permissions.reminders;
  const reminders = $("reminders");
  reminders.replaceChildren();
  for (const text of state.reminders) {
    const item = document.createElement("li");
    item.textContent = text;
    reminders.appendChild(item);
  }
  if (!state.reminders.length) reminders.appendChild(Object.assign(document.createElement("li"), {textContent: "(none)"}));
  if (!state.audio) $("audio-status").textContent = "No espeak-ng on this machine: answers are shown, not spoken (apt-get install espeak-ng).";
}

function pretty(value) { return JSON.stringify(value, null, 2); }

function showTurn(turn, partial) {
  current = turn;
  const understood = turn.understood;
  $("intent").textContent = understood ? understood.summary : (turn.note || "(nothing sent to the skill)");
  $("explanation").textContent = understood ? understood.how + (understood.detail ? " — " + understood.detail : "") : "";
  const body = $("slots").tBodies[0];
  body.replaceChildren();
  for (const slot of (understood && understood.slots) || []) {
    const row = body.insertRow();
    const heard = slot.value ?? "(not filled)";
    const resolution = slot.status ?? (slot.value ? "built-in type" : "");
    for (const cell of [slot.name, heard, resolution, slot.id ?? ""]) {
      row.insertCell().textContent = cell;
    }
  }
  $("note").textContent = turn.note || "";
  const answers = turn.exchanges.filter((e) => e.speech !== null);
  $("speech").textContent = answers.map((e) => e.speech || "(silence)").join("  ");
  const last = answers[answers.length - 1];
  $("reprompt").textContent = last && last.reprompt ? "Reprompt: " + last.reprompt : "";
  const errors = $("errors");
  errors.replaceChildren();
  for (const error of turn.errors) {
    errors.appendChild(Object.assign(document.createElement("li"), {textContent: "SKILL ERROR: " + error}));
  }
  const card = [...answers].reverse().find((e) => e.card);
  $("card-title").textContent = card ? card.card.title || "" : "";
  $("card-text").textContent = card ? card.card.content || card.card.text || "" : "(no card)";
  const exchange = $("exchange");
  fill(exchange, turn.exchanges.map((e, i) => [String(i), `${i + 1}. ${e.label}`]), String(turn.exchanges.length - 1));
  showExchange();
  $("attributes-json").textContent = pretty(turn.attributes);
  showScreen();
  if (!partial) playAudio(turn);
}

function showExchange() {
  if (!current) return;
  const exchange = current.exchanges[Number($("exchange").value)];
  $("request-json").textContent = exchange ? pretty(exchange.request) : "";
  $("response-json").textContent = exchange ? pretty(exchange.response) : "";
}

function showScreen() {
  const frame = $("screen");
  const holder = $("screen-frame");
  const withScreen = current ? [...current.exchanges].reverse().find((e) => e.screen) : null;
  if (!withScreen) {
    frame.removeAttribute("src");
    frame.hidden = true;
    holder.style.height = "0px";
    const device = state && state.devices[state.device];
    $("screen-status").textContent = device && !device.screen
      ? "This device has no screen: the skill sends it no APL."
      : "No screen in this turn (the skill shows its answers about a topic).";
    return;
  }
  const size = $("screen-size").value;
  const device = state.devices[size || state.device] || state.devices["echo-show-8"];
  const screen = device.screen || {width: 1280, height: 800, shape: "rectangle"};
  frame.hidden = false;
  frame.width = screen.width;
  frame.height = screen.height;
  frame.src = withScreen.screen + (size ? "?device=" + encodeURIComponent(size) : "");
  const scale = Math.min(1, holder.clientWidth / screen.width);
  frame.style.transform = `scale(${scale})`;
  holder.style.height = Math.ceil(screen.height * scale) + "px";
  $("screen-status").textContent = `${size || state.device}: ${screen.width}x${screen.height}${screen.shape === "round" ? ", round" : ""}`;
}

function playAudio(turn) {
  const audio = $("audio");
  if (!turn.audio || !state.audio) {
    audio.removeAttribute("src");
    return;
  }
  audio.src = turn.audio;
  $("audio-status").textContent = "";
  if ($("autoplay").checked) {
    audio.play().catch(() => { $("audio-status").textContent = "Press play to hear it (the browser blocked autoplay)."; });
  }
}

function showResult(result) {
  if (result.state) showState(result.state);
  if (result.error) {
    say("error", "Console: " + result.error);
    setStatus("");
    return;
  }
  if (result.notice) {
    say("system", result.notice);
    setStatus("");
    return;
  }
  const turn = result.turn;
  if (result.pending) {
    logTurn(turn, true);
    showTurn(turn, true);
    $("consent-question").textContent = result.pending.question;
    $("consent").hidden = false;
    $("consent-allow").focus();
    setStatus("Alexa is waiting for your answer.");
    return;
  }
  $("consent").hidden = true;
  turns.push(turn);
  logTurn(turn, false);
  showTurn(turn, false);
  document.body.dataset.turns = String(turns.length);
  setStatus(turn.session_open ? "The session is open." : "The session is closed.");
}

const loggedCount = new Map();   // turn index -> exchanges already in the log
function logTurn(turn, partial) {
  const start = loggedCount.get(turn.index) || 0;
  if (start === 0 && turn.note) say("system", turn.note);
  if (!partial) {   // what Alexa did after an answer already shown (asked for a permission)
    for (const exchange of turn.exchanges.slice(0, start)) {
      if (exchange.note) say("system", exchange.note);
    }
  }
  for (const exchange of turn.exchanges.slice(start)) {
    if (exchange.type === "SessionEndedRequest") {
      say("system", `SessionEndedRequest (${exchange.request.request.reason}) sent`);
    } else {
      say("alexa", exchange.speech || "(silence)");
    }
    if (exchange.note && !partial) say("system", exchange.note);
  }
  loggedCount.set(turn.index, turn.exchanges.length);
  if (!partial) {
    for (const error of turn.errors) say("error", "SKILL ERROR: " + error);
  }
}

async function send(text) {
  say("you", text === "" ? "(nothing)" : text);
  setStatus("Alexa is thinking…");
  $("send").disabled = true;
  try {
    showResult(await api("/api/say", {utterance: text, consent: $("consent-mode").value}));
  } finally {
    $("send").disabled = false;
  }
}

function setUp() {
  $("say-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("utterance").value;
    $("utterance").value = "";
    send(text);
  });
  for (const id of ["consent-allow", "consent-deny", "consent-none"]) {
    $(id).addEventListener("click", async () => {
      $("consent").hidden = true;
      say("you", $(id).textContent);
      showResult(await api("/api/consent", {status: $(id).dataset.status}));
    });
  }
  const reset = async () => {
    turns = [];
    current = null;
    loggedCount.clear();
    $("log").replaceChildren();
    document.body.dataset.turns = "0";
    const result = await api("/api/reset", {locale: $("locale").value, device: $("device").value});
    if (result.error) say("error", "Console: " + result.error);
    showState(result.state);
    say("system", `New device: ${state.device}, ${state.locale}. Say "open muscle twitch guide".`);
    showScreen();
  };
  $("locale").addEventListener("change", reset);
  $("device").addEventListener("change", reset);
  $("new-device").addEventListener("click", reset);
  $("end-session").addEventListener("click", async () => showResult(await api("/api/end", {})));
  $("permission-reminders").addEventListener("change", async (event) => {
    const result = await api("/api/permission", {name: "reminders", granted: event.target.checked});
    if (result.error) say("error", "Console: " + result.error);
    showState(result.state);
    say("system", `Reminders permission ${event.target.checked ? "granted" : "revoked"} (as in the Alexa app).`);
  });
  $("exchange").addEventListener("change", showExchange);
  $("screen-size").addEventListener("change", showScreen);
  // The preview runs no script (sandboxed); a touch on it is caught here, as a device's
  // TouchWrapper would send its SendEvent.
  $("screen").addEventListener("load", () => {
    const frame = $("screen").contentDocument;
    if (!frame) return;
    frame.addEventListener("click", async (event) => {
      const target = event.target.closest && event.target.closest("[data-arguments]");
      if (!target) return;
      if (!state.touch) {
        setStatus("This simulator does not send screen touches yet.");
        return;
      }
      const args = JSON.parse(target.dataset.arguments);
      say("you", "(touches " + (target.getAttribute("aria-label") || args.join(" ")) + ")");
      showResult(await api("/api/touch", {arguments: args}));
    });
  });
  window.addEventListener("resize", showScreen);
  const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  if (Recognition) {
    $("mic").hidden = false;
    $("mic").addEventListener("click", () => {
      const recognition = new Recognition();
      recognition.lang = state ? state.locale : "en-US";
      recognition.onresult = (event) => send(event.results[0][0].transcript);
      recognition.onerror = (event) => setStatus("Speech recognition: " + event.error);
      setStatus("Listening…");
      recognition.start();
    });
  }
  api("/api/state").then((result) => {
    if (result.error) { say("error", "Console: " + result.error); return; }
    showState(result);
    showScreen();
    say("system", `Device: ${state.device}, ${state.locale}. Say "open muscle twitch guide".`);
    document.body.dataset.ready = "1";
  });
}

document.addEventListener("DOMContentLoaded", setUp);

// ser web page: upload or record a clip, or stream the microphone live, and show emotions.
"use strict";

const $ = (id) => document.getElementById(id);
let labels = [];
let colours = [];  // one per label, from the server (the same as in the CLI's charts)
let clipSeconds = 3;
const colour = (label) => colours[Math.max(0, labels.indexOf(label))] || "#868e96";
// The live timeline's windows without an emotion: silence, and sound without speech in grey
// stripes (apart from every label's colour: neutral's is grey).
const SILENCE = "#e9ecef";
const NOISE_CSS = "repeating-linear-gradient(45deg, #868e96 0 1.5px, #f8f9fa 1.5px 4px)";
function noisePattern(g) {
  const tile = document.createElement("canvas");
  tile.width = tile.height = 6;
  const t = tile.getContext("2d");
  t.fillStyle = "#f8f9fa"; t.fillRect(0, 0, 6, 6);
  t.strokeStyle = "#868e96"; t.lineWidth = 1.5;
  t.beginPath(); t.moveTo(-1, 7); t.lineTo(7, -1); t.stroke();
  return g.createPattern(tile, "repeat");
}

// A server started with --token prints its URL as /#token=...: keep the token for this tab and
// send it with every API request (the fragment itself never reaches the server).
const tokenMatch = location.hash.match(/token=([^&]+)/);
if (tokenMatch) { sessionStorage.setItem("ser-token", decodeURIComponent(tokenMatch[1])); history.replaceState(null, "", location.pathname); }
const token = sessionStorage.getItem("ser-token");
// Every URL the page asks for is relative to it, so it works as well behind a reverse proxy
// that serves it under a path of its own (https://host/ser/ → http://127.0.0.1:8000/).
const api = (url, init = {}) => {
  if (token) init.headers = { ...(init.headers || {}), Authorization: `Bearer ${token}` };
  return fetch(url, init);
};

function status(text, isError = false) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

async function errorText(response) {
  try { return (await response.json()).error || response.statusText; }
  catch { return response.statusText; }
}

// ---------- about this model ----------
// The card's own paragraph on what the model does and which audio it is weaker on (a phone
// model's differs from the bundled one's), or null without a card.
function cardScope(card) {
  const m = card && card.match(/(?:^|\n)#+ What it does\n([\s\S]*?)(?:\n\s*\n|$)/);
  return m ? m[1].replace(/\s+/g, " ").trim() : null;
}

async function loadModel() {
  const r = await api("api/v1/model");
  if (!r.ok) { $("about-text").textContent = await errorText(r); return; }
  const m = await r.json();
  labels = m.labels;
  colours = m.colours;
  clipSeconds = m.audio.duration_s || clipSeconds;
  $("clip-seconds").textContent = clipSeconds;
  const pct = (x) => (100 * x).toFixed(1) + " %";
  let text = `Labels: ${m.labels.join(", ")}. Input: ${m.audio.duration_s} s clips at ${m.audio.sample_rate} Hz, ` +
             `${m.features.n_mels} mel bands. Model: ${m.name}` +
             (m.members > 1 ? `, an ensemble of ${m.members} networks.` : ".");
  const cv = m.metrics && m.metrics.cross_validation;
  if (cv && cv.accuracy.length) {
    const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
    text += ` Cross-validated by speaker (${cv.accuracy.length} folds): accuracy ${pct(mean(cv.accuracy))}, ` +
            `UAR ${pct(mean(cv.uar))} on actors it never heard` +
            (cv.prosody_weight ? ", networks and prosody head together." : ".");
  } else if (m.metrics && m.metrics.validation) {
    text += ` Validation speakers: accuracy ${pct(m.metrics.validation.accuracy)}, UAR ${pct(m.metrics.validation.uar)}.`;
  }
  $("about-text").textContent = text;
  const scope = cardScope(m.card);
  if (scope) $("about-note").textContent = scope;
  $("legend").innerHTML = "";
  const swatches = labels.map((l) => [l, colour(l)]).concat([["silence", SILENCE], ["no speech", NOISE_CSS]]);
  for (const [name, c] of swatches) {
    const s = document.createElement("span");
    s.textContent = name;
    s.style.setProperty("--c", c);
    $("legend").appendChild(s);
  }
}
$("about-toggle").onclick = () => { $("about").hidden = !$("about").hidden; };

// ---------- results ----------
function showPrediction(p) {
  $("result").hidden = false;
  $("top-label").textContent = p.label;
  $("top-confidence").textContent = `${(100 * p.confidence).toFixed(0)} % confident`;
  const bars = $("bars");
  bars.innerHTML = "";
  for (const l of labels) {
    const v = p.probabilities[l] || 0;
    const row = document.createElement("div");
    row.className = "bar";
    row.dataset.label = l;
    row.innerHTML = `<span>${l}</span><span class="track"><span class="fill"></span></span><span class="value"></span>`;
    row.querySelector(".fill").style.width = (100 * v).toFixed(1) + "%";
    row.querySelector(".fill").style.background = colour(l);
    row.querySelector(".value").textContent = (100 * v).toFixed(1) + "%";
    bars.appendChild(row);
  }
}

// Draws the waveform as the server read the file: [min, max] of each column (a report's
// `waveform`), so that every format it reads is drawn, not only those the browser decodes.
function drawWave(peaks) {
  const c = $("wave"), g = c.getContext("2d");
  g.clearRect(0, 0, c.width, c.height);
  g.fillStyle = "#3b5bdb";
  const mid = c.height / 2, w = c.width / Math.max(1, peaks.length);
  // Whole pixels, so that columns narrower than one do not blur into stripes.
  peaks.forEach(([lo, hi], i) => g.fillRect(Math.floor(i * w), mid - hi * mid, Math.ceil(w), Math.max(1, (hi - lo) * mid)));
}

// Makes link `a` save what `data()` returns then as a JSON file named `filename`.
function saveAs(a, filename, data) {
  a.download = filename;
  a.onclick = () => {
    if (a.href.startsWith("blob:")) URL.revokeObjectURL(a.href);
    a.href = URL.createObjectURL(new Blob([JSON.stringify(data(), null, 1)], { type: "application/json" }));
  };
}

// The file analysed last, heard again when another channel or reading of headerless audio is
// chosen.
let lastFile = null;
const hearAgain = () => { if (lastFile) analyseFile(lastFile.blob, lastFile.name); };
$("channel").onchange = $("raw-other").onchange = hearAgain;
$("raw").onchange = () => {
  const other = $("raw").value === "other";
  $("raw-other").hidden = !other;
  if (other && !$("raw-other").value.trim()) $("raw-other").focus(); // nothing typed to read by yet
  else hearAgain();
};

// How headerless audio is to be read: "" as its name says, a listed reading or one typed in
// (FORMAT[:RATE[:CHANNELS]], which the server checks).
function rawReading() {
  const chosen = $("raw").value;
  return chosen === "other" ? $("raw-other").value.trim() : chosen;
}

// Plays `file` in the player: as it is where the browser decodes it, else (VOX, headerless
// G.711, GSM, SPHERE…) as the server reads it (api/v1/audio: one channel or the mix, at the
// model's rate, on the timeline of the answers), so that segments can be heard.
function play(file) {
  const p = $("player");
  // A blob's URL keeps the blob for as long as the page lives: let the last one go.
  const source = (blob) => {
    if (p.src.startsWith("blob:")) URL.revokeObjectURL(p.src);
    p.src = URL.createObjectURL(blob);
  };
  p.onerror = async () => {
    p.onerror = null; // once: the server's WAV plays
    const form = new FormData();
    form.append("file", file.blob, file.name);
    const r = await api("api/v1/audio" + file.read, { method: "POST", body: form });
    if (r.ok && file === lastFile) source(await r.blob());
  };
  source(file.blob);
}

async function analyseFile(blob, name) {
  const channel = $("channel").value; // "" for all channels mixed, "each" for each side apart
  const raw = rawReading();
  const read = new URLSearchParams(channel && channel !== "each" ? { channel } : {});
  if (raw) read.set("raw", raw);
  const query = new URLSearchParams(read);
  if (channel === "each") query.set("sides", "true");
  const q = query.size ? `?${query}` : "";
  lastFile = { blob, name, read: read.size ? `?${read}` : "" };
  status(`Analysing ${name}…`);
  play(lastFile);
  // A form keeps the file's name, which alone tells headerless audio (call.vox, call.ul).
  const form = new FormData();
  form.append("file", blob, name);
  // One upload gives the emotion, the timeline and the spectrogram (a long recording is sent once).
  const r = await api("api/v1/report" + q, { method: "POST", body: form });
  if (!r.ok) {
    $("result").hidden = $("segments-card").hidden = true; // the previous results are not this file's
    const why = await errorText(r); // what the file holds, after its name; or what the request did
    status(why.startsWith(`${name}: `) ? why : `${name}: ${why}`, true);
    return;
  }
  const report = await r.json();
  const { spectrogram_png: _png, waveform: _wave, ...results } = report; // saved without the pictures
  saveAs($("save-report"), `${name.replace(/\.[^.]*$/, "")}.emotions.json`, () => ({ file: name, channel: channel || null, raw: raw || null, ...results }));
  showPrediction(report.prediction);
  // Which audio the emotion is of: one channel, or with each side apart, all of them mixed.
  $("emotion-scope").textContent = channel === "each" ? " of all channels mixed" : channel ? ` of channel ${channel}` : "";
  $("file-views").hidden = false;
  showSegments(report.sides
    ? report.sides.map((a) => [sideName(a.channel, report.sides.length), a])
    : [[null, report.analysis]]);
  $("clip-note").hidden = report.analysis.speech_s <= clipSeconds + 1;
  $("spectrogram").src = `data:image/png;base64,${report.spectrogram_png}`;
  drawWave(report.waveform);
  status(`${name}: done`);
}

// ---------- long recordings: the segment timeline ----------
let stopAt = null;
$("player").ontimeupdate = () => {
  if (stopAt !== null && $("player").currentTime >= stopAt) { $("player").pause(); stopAt = null; }
};
function playSegment(start, end) {
  const p = $("player");
  p.currentTime = start; stopAt = end;
  p.play().catch(() => { stopAt = null; });
}

// Channel n of a recording of `count`: a stereo pair's sides are left and right.
const sideName = (n, count) => `Channel ${n}` + (count !== 2 ? "" : n === 1 ? " (left)" : " (right)");

// One lane per analysis: `lanes` holds [title or null, analysis] pairs.
function showSegments(lanes) {
  $("lanes").innerHTML = "";
  for (const [title, a] of lanes) $("lanes").appendChild(lane(title, a));
  $("segments-card").hidden = false;
}

// A timeline of one analysis: its segments as bands to click, a summary, and the list.
function lane(title, a) {
  const box = document.createElement("div");
  box.className = "lane";
  if (title) {
    const h = document.createElement("h3");
    h.textContent = title;
    box.appendChild(h);
  }
  const bar = document.createElement("div"), list = document.createElement("ol");
  const summary = document.createElement("p");
  bar.className = "segment-bar"; bar.setAttribute("role", "list");
  list.className = "segment-list"; summary.className = "segment-summary";
  const pct = (t) => (100 * t / Math.max(a.duration_s, 1e-3)).toFixed(3) + "%";
  const fmt = (t) => t.toFixed(1) + " s";
  for (const seg of a.segments) {
    const text = `${fmt(seg.start_s)}–${fmt(seg.end_s)}: ${seg.label} (${(100 * seg.confidence).toFixed(0)} %)`;
    const band = document.createElement("button");
    band.className = "segment";
    band.dataset.label = seg.label;
    band.title = text;
    band.setAttribute("aria-label", text);
    band.style.left = pct(seg.start_s);
    band.style.width = pct(seg.end_s - seg.start_s);
    band.style.background = colour(seg.label);
    band.style.opacity = 0.4 + 0.6 * seg.confidence;
    band.onclick = () => playSegment(seg.start_s, seg.end_s);
    bar.appendChild(band);
    const item = document.createElement("li");
    const link = document.createElement("button");
    link.className = "link";
    link.textContent = text;
    link.onclick = band.onclick;
    item.appendChild(link);
    list.appendChild(item);
  }
  const shares = Object.entries(a.summary).filter(([, v]) => v > 0).sort((x, y) => y[1] - x[1])
    .map(([l, v]) => `${l} ${(100 * v).toFixed(0)} %`).join(", ");
  summary.textContent = a.dominant
    ? `${fmt(a.speech_s)} of speech in ${fmt(a.duration_s)}; mostly ${a.dominant} (${shares}); ${a.changes} change(s).`
    : `No speech found in ${fmt(a.duration_s)}.`;
  box.append(bar, summary, list);
  return box;
}

// ---------- upload ----------
$("file").onchange = (e) => { const f = e.target.files[0]; if (f) analyseFile(f, f.name); };
const drop = $("drop");
drop.ondragover = (e) => { e.preventDefault(); drop.classList.add("over"); };
drop.ondragleave = () => drop.classList.remove("over");
drop.ondrop = (e) => {
  e.preventDefault(); drop.classList.remove("over");
  const f = e.dataTransfer.files[0]; if (f) analyseFile(f, f.name);
};

// ---------- microphone ----------
async function openMic(onSamples) {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false } });
  const ctx = new AudioContext();
  const source = ctx.createMediaStreamSource(stream);
  const node = ctx.createScriptProcessor(4096, 1, 1);
  node.onaudioprocess = (e) => {
    const x = e.inputBuffer.getChannelData(0);
    let sum = 0; for (const v of x) sum += v * v;
    const db = 10 * Math.log10(sum / x.length + 1e-12);
    $("meter-bar").style.width = Math.max(0, Math.min(100, (db + 60) * 100 / 60)) + "%";
    onSamples(new Float32Array(x));
  };
  source.connect(node); node.connect(ctx.destination);
  return { rate: ctx.sampleRate, stop: () => { node.disconnect(); stream.getTracks().forEach((t) => t.stop()); ctx.close(); $("meter-bar").style.width = "0"; } };
}

function wavBlob(chunks, rate) {
  const n = chunks.reduce((a, c) => a + c.length, 0);
  const buf = new ArrayBuffer(44 + 2 * n), v = new DataView(buf);
  const str = (o, s) => [...s].forEach((ch, i) => v.setUint8(o + i, ch.charCodeAt(0)));
  str(0, "RIFF"); v.setUint32(4, 36 + 2 * n, true); str(8, "WAVEfmt ");
  v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
  v.setUint32(24, rate, true); v.setUint32(28, 2 * rate, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true);
  str(36, "data"); v.setUint32(40, 2 * n, true);
  let o = 44;
  for (const c of chunks) for (const s of c) { v.setInt16(o, Math.max(-1, Math.min(1, s)) * 32767, true); o += 2; }
  return new Blob([buf], { type: "audio/wav" });
}

let recorder = null;
$("record").onclick = async () => {
  if (recorder) {
    const { mic, chunks } = recorder; recorder = null;
    mic.stop(); $("record").classList.remove("active"); $("record").textContent = "● Record";
    analyseFile(wavBlob(chunks, mic.rate), "recording.wav");
    return;
  }
  try {
    const chunks = [];
    recorder = { mic: await openMic((x) => chunks.push(x)), chunks };
    $("record").classList.add("active"); $("record").textContent = "■ Stop";
    status("Recording… press Stop when done.");
  } catch (e) { status(`Microphone unavailable: ${e.message}`, true); }
};

// ---------- live mode ----------
let live = null;
const WINDOW_S = 20;
// The messages of the current live session, drawn (the last WINDOW_S seconds) and saved: at
// four a second, the last 8 hours.
const session = { started: null, sample_rate: null, events: [] };
const SESSION_MAX = 8 * 3600 * 4;
saveAs($("save-live"), "live-session.emotions.json", () => session);

function drawTimeline() {
  const c = $("timeline"), g = c.getContext("2d");
  g.clearRect(0, 0, c.width, c.height);
  const events = session.events.slice(-400);
  if (!events.length) return;
  const tEnd = events[events.length - 1].t_s, tStart = tEnd - WINDOW_S;
  const x = (t) => (t - tStart) / WINDOW_S * c.width;
  const noise = noisePattern(g);
  for (let i = 0; i < events.length; i++) {
    const e = events[i], prev = i ? events[i - 1].t_s : e.t_s - 0.25;
    if (e.t_s < tStart) continue;
    g.fillStyle = e.speech ? colour(e.label) : e.heard === "noise" ? noise : SILENCE;
    g.globalAlpha = e.speech ? 0.35 + 0.65 * e.confidence : 1;
    g.fillRect(x(prev), 0, Math.max(1, x(e.t_s) - x(prev)), c.height - 20);
  }
  g.globalAlpha = 1; g.strokeStyle = "#212529"; g.beginPath();
  events.filter((e) => e.speech && e.t_s >= tStart).forEach((e, i) => {
    const y = (c.height - 20) * (1 - e.confidence);
    i ? g.lineTo(x(e.t_s), y) : g.moveTo(x(e.t_s), y);
  });
  g.stroke();
  g.fillStyle = "#495057"; g.font = "12px sans-serif";
  g.fillText(`${Math.max(0, tStart).toFixed(0)} s`, 2, c.height - 5);
  g.fillText(`${tEnd.toFixed(0)} s`, c.width - 40, c.height - 5);
}

$("live").onclick = async () => {
  if (live) {
    live.mic.stop(); live.ws.close(); live = null;
    $("live").classList.remove("active"); $("live").textContent = "Live mode"; status("Live mode stopped.");
    return;
  }
  const query = token ? `?token=${encodeURIComponent(token)}` : "";
  Object.assign(session, { started: new Date().toISOString(), sample_rate: null, events: [] });
  const url = new URL(`api/v1/stream${query}`, location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  ws.onmessage = (m) => {
    const e = JSON.parse(m.data);
    if (e.error) { status(`Live mode: ${e.error}`, true); return; }
    session.events.push(e); if (session.events.length > SESSION_MAX) session.events.shift();
    $("timeline-card").hidden = false;
    drawTimeline();
    if (e.speech) { showPrediction(e); status(`Live: ${e.label} (${(100 * e.confidence).toFixed(0)} %)`); }
    else status(e.heard === "noise" ? "Live: sound, but no speech" : "Live: silence");
  };
  ws.onerror = () => status("Live mode: connection failed", true);
  try {
    const mic = await openMic((x) => { if (ws.readyState === 1) ws.send(x.buffer); });
    session.sample_rate = mic.rate;
    ws.onopen = () => ws.send(JSON.stringify({ sample_rate: mic.rate, format: "f32" }));
    if (ws.readyState === 1) ws.send(JSON.stringify({ sample_rate: mic.rate, format: "f32" }));
    live = { mic, ws };
    $("live").classList.add("active"); $("live").textContent = "■ Stop live";
    status("Live: listening…");
  } catch (e) { ws.close(); status(`Microphone unavailable: ${e.message}`, true); }
};

loadModel();

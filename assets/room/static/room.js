// The room's one script: send forms in place (retrying with the same submission id, so nothing counts
// twice), keep the page up to date by long polling, and tick the shared countdown. Every piece of HTML it
// puts in the page was rendered, and escaped, by the server's templates.
(function () {
  "use strict";
  var live = document.getElementById("pb-live");
  if (!live) return;
  var token = "";
  if (live.dataset.auth === "token") {  // the facilitator's token travels in the link's #fragment only
    var key = "pb-token:" + location.pathname.split("/").slice(-1)[0];
    var found = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
    token = found ? found[1] : sessionStorage.getItem(key) || "";
    if (found) { sessionStorage.setItem(key, token); history.replaceState(null, "", location.pathname); }
    document.querySelectorAll("a.pb-keep-token").forEach(function (a) { a.href += "#token=" + token; });
  }
  function headers() {
    var h = { "Accept": "application/json" };
    if (token) h["Authorization"] = "Bearer " + token;
    if (live.dataset.xsrf) h["X-XSRFToken"] = live.dataset.xsrf;  // the hub asks it of every request
    return h;
  }
  function newSid() {  // 128 random bits; crypto.getRandomValues works on plain http too
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  function value(form, name) { var el = form.querySelector("[name=" + name + "]"); return el ? el.value : ""; }
  function formKey(form) { return [value(form, "activity"), value(form, "item"), value(form, "action"), value(form, "entry")].join(":"); }
  function formFor(key) {
    var forms = live.querySelectorAll("form");
    for (var i = 0; i < forms.length; i++) if (formKey(forms[i]) === key) return forms[i];
    return null;
  }

  // Swap in a new rendering, keeping what the person is typing in the forms that are still there.
  function swap(html) {
    var typed = [];
    live.querySelectorAll("form").forEach(function (f) {
      f.querySelectorAll("textarea, input[type=text], input:not([type]), input[type=radio]:checked").forEach(function (el) {
        if (el.value) typed.push([formKey(f), el.name, el.type === "radio" ? "radio" : "text", el.value]);
      });
    });
    live.innerHTML = html;
    typed.forEach(function (t) {
      var f = formFor(t[0]);
      if (!f) return;
      if (t[2] === "radio") {
        f.querySelectorAll("input[type=radio]").forEach(function (r) { if (r.name === t[1] && r.value === t[3]) r.checked = true; });
      } else {
        var el = f.querySelector("[name=" + t[1] + "]");
        if (el && !el.value) el.value = t[3];
      }
    });
    skew();
  }

  async function poll() {
    var delay = 500;
    for (;;) {
      try {
        var r = await fetch(live.dataset.state + "?v=" + encodeURIComponent(live.dataset.v), { headers: headers(), credentials: "same-origin", cache: "no-store" });
        if (r.status === 403 || r.status === 404) return;  // no longer ours to show
        if (!r.ok) throw new Error(String(r.status));
        var data = await r.json();
        if (data.v !== live.dataset.v && typeof data.html === "string") { live.dataset.v = data.v; swap(data.html); }
        delay = 500;
      } catch (e) {
        await sleep(delay); delay = Math.min(delay * 2, 8000);
      }
    }
  }

  function say(form, text, bad) {
    var status = form && form.querySelector(".pb-status");
    if (status) { status.textContent = text; status.classList.toggle("pb-bad", !!bad); }
  }

  document.addEventListener("submit", async function (ev) {
    var form = ev.target;
    if (!form.classList || !form.classList.contains("pb-send")) return;
    ev.preventDefault();
    var key = formKey(form);
    var sid = form.querySelector("[name=sid]");
    if (sid && !sid.dataset.mine) { sid.value = newSid(); sid.dataset.mine = "1"; }  // made on this phone
    var body = new URLSearchParams(new FormData(form, ev.submitter));
    say(form, live.dataset.sending);
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    for (var attempt = 0; attempt < 40; attempt++) {
      var r = null;
      try { r = await fetch(form.getAttribute("action"), { method: "POST", body: body, headers: headers(), credentials: "same-origin" }); } catch (e) { r = null; }
      if (r && r.status < 500) {
        var data = await r.json().catch(function () { return {}; });
        if (sid) { sid.value = newSid(); }  // the next one is a new submission
        if (r.ok) {
          form.querySelectorAll("textarea, input[type=text], input:not([type])").forEach(function (el) { el.value = ""; });
        }
        if (typeof data.html === "string") { if (data.v) live.dataset.v = data.v; swap(data.html); form = formFor(key) || form; }
        if (typeof data.section === "string" && data.id) {  // only the activity this phone just changed
          var old = document.getElementById(data.id);
          if (old && data.section) { old.outerHTML = data.section; form = formFor(key) || form; }
        }
        form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
        say(form, r.ok ? live.dataset.sent : data.message || String(r.status), !r.ok);
        return;
      }
      say(form, live.dataset.retrying, true);  // no answer: the same id again, so it counts once
      await sleep(Math.min(400 * Math.pow(2, attempt), 5000));
    }
    form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
  });

  // The countdown: the server says when the block ends and what time it is there; we tick locally.
  var offset = 0, cued = false;
  function skew() {
    var c = live.querySelector(".pb-clock");
    if (c && c.dataset.now) offset = Number(c.dataset.now) - Date.now();
  }
  function tick() {
    var c = live.querySelector(".pb-clock");
    var out = c && c.querySelector(".pb-time");
    if (!out || !c.dataset.ends) return;
    var s = Math.round((Number(c.dataset.ends) - (Date.now() + offset)) / 1000);
    if (s > 0) {
      out.textContent = Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2) + " " + c.dataset.left;
      c.classList.remove("pb-over");
      cued = false;
    } else {
      out.textContent = c.dataset.over;
      c.classList.add("pb-over");
      if (!cued && navigator.vibrate) navigator.vibrate([200, 100, 200]);  // the cue at the end
      cued = true;
    }
  }
  skew();
  tick();
  setInterval(tick, 1000);
  poll();
})();

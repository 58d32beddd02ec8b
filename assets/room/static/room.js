// The room's one script: send forms in place (retrying with the same submission id, so nothing counts
// twice), keep the page up to date by long polling, and tick the shared countdown. Every piece of HTML it
// puts in the page was rendered, and escaped, by the server's templates.
(function () {
  "use strict";
  var live = document.getElementById("pb-live");
  if (!live) return;
  var auth = live.dataset.auth || "";
  var token = "";
  if (auth === "token") {
    var key = "pb-token:" + location.pathname.split("/").slice(-1)[0];
    var m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
    if (m) { sessionStorage.setItem(key, m[1]); token = m[1]; } else { token = sessionStorage.getItem(key) || ""; }
    document.querySelectorAll("a.pb-keep-token").forEach(function (a) { a.href += "#token=" + token; });
  }
  function headers() {
    var h = { "Accept": "application/json" };
    if (token) h["Authorization"] = "Bearer " + token;
    return h;
  }
  function newSid() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  // Swap in a new rendering, keeping what the person is typing and where the focus is.
  function swap(html) {
    var typed = {};
    live.querySelectorAll("form").forEach(function (f, i) {
      var a = f.querySelector("[name=activity]");
      var k = (a ? a.value : "") + ":" + (f.querySelector("[name=action]") || {}).value + ":" + i;
      f.querySelectorAll("input[type=text], input:not([type]), textarea, input[type=radio]:checked, select").forEach(function (el) {
        typed[(a ? a.value : i) + "/" + el.name + (el.type === "radio" ? "" : "")] = el.type === "radio" ? "r:" + el.value : el.value;
      });
    });
    var focused = document.activeElement && live.contains(document.activeElement) ? document.activeElement.name : null;
    live.innerHTML = html;
    live.querySelectorAll("form").forEach(function (f, i) {
      var a = f.querySelector("[name=activity]");
      Object.keys(typed).forEach(function (k) {
        var parts = k.split("/"); if (parts[0] !== (a ? a.value : String(i))) return;
        var v = typed[k];
        if (v.indexOf("r:") === 0) { var r = f.querySelector("input[type=radio][name='" + parts[1] + "'][value='" + v.slice(2) + "']"); if (r) r.checked = true; }
        else { var el = f.querySelector("[name='" + parts[1] + "']"); if (el && el.type !== "hidden" && v) el.value = v; }
      });
      if (focused) { var el = f.querySelector("[name='" + focused + "']:not([type=hidden])"); if (el && el.value) el.focus(); }
    });
    tick();
  }

  async function poll() {
    var delay = 500;
    for (;;) {
      try {
        var r = await fetch(live.dataset.state + "?v=" + encodeURIComponent(live.dataset.v), { headers: headers(), credentials: "same-origin", cache: "no-store" });
        if (r.status === 401 || r.status === 403 || r.status === 404) { var j = await r.json().catch(function () { return {}; }); if (j.html) live.innerHTML = j.html; return; }
        if (!r.ok) throw new Error(String(r.status));
        var data = await r.json();
        if (data.v !== live.dataset.v && typeof data.html === "string") { live.dataset.v = data.v; swap(data.html); }
        delay = 500;
      } catch (e) {
        await sleep(delay); delay = Math.min(delay * 2, 8000);
      }
    }
  }

  document.addEventListener("submit", async function (ev) {
    var form = ev.target;
    if (!form.classList || !form.classList.contains("pb-send")) return;
    ev.preventDefault();
    var sid = form.querySelector("[name=sid]");
    if (sid && !sid.dataset.mine) { sid.value = newSid(); sid.dataset.mine = "1"; }  // made on this phone
    var body = new URLSearchParams(new FormData(form, ev.submitter));
    var status = form.querySelector(".pb-status");
    function say(text, bad) { if (status) { status.textContent = text; status.classList.toggle("pb-bad", !!bad); } }
    say(live.dataset.sending);
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    try {
      for (var attempt = 0; attempt < 40; attempt++) {
        var r;
        try {
          r = await fetch(form.action, { method: "POST", body: body, headers: headers(), credentials: "same-origin" });
        } catch (e) { r = null; }
        if (r && r.status < 500) {
          var data = await r.json().catch(function () { return {}; });
          if (r.ok) {
            if (sid) { sid.value = newSid(); }
            form.querySelectorAll("textarea, input[type=text], input:not([type])").forEach(function (el) { el.value = ""; });
            if (typeof data.html === "string") { if (data.v) live.dataset.v = data.v; swap(data.html); }
            var again = live.querySelector(".pb-status");
            if (data.html && again && form.isConnected === false) { /* re-rendered: the new form says nothing */ }
            say(live.dataset.sent);
          } else {
            if (sid) { sid.value = newSid(); }
            say(data.message || r.statusText, true);
          }
          return;
        }
        say(live.dataset.retrying, true);
        await sleep(Math.min(400 * Math.pow(2, attempt), 5000));
      }
    } finally {
      form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    }
  });

  // The countdown: the server says when the block ends and what time it is there; we tick locally.
  var skew = 0, cued = false;
  function tick() {
    var c = live.querySelector(".pb-clock");
    if (!c || !c.dataset.ends) return;
    skew = Number(c.dataset.now) - Date.now();
    c.dataset.skew = String(skew);
  }
  setInterval(function () {
    var c = live.querySelector(".pb-clock");
    if (!c || !c.dataset.ends) return;
    var out = c.querySelector(".pb-time");
    if (!out) return;
    var s = Math.round((Number(c.dataset.ends) - (Date.now() + Number(c.dataset.skew || 0))) / 1000);
    if (s > 0) {
      out.textContent = Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2) + " " + c.dataset.left;
      c.classList.remove("pb-over"); cued = false;
    } else {
      out.textContent = c.dataset.over;
      c.classList.add("pb-over");
      if (!cued && navigator.vibrate) { navigator.vibrate([200, 100, 200]); }
      cued = true;
    }
  }, 1000);
  tick();
  poll();
})();

// The offline outbox on learner pages: window.HongxiOutbox. Records (xAPI
// statements, resume state, "mark as done") are stored in IndexedDB first
// (outbox-replay.js holds the queue), then sent in order; what cannot be sent
// now waits and is sent on the next page load, when the phone is online
// again, or by the service worker's Background Sync. Only the signed-in
// person's records are sent from a page (<meta name="hongxi-user">), and the
// server holds any record that is not theirs (core.outbox).
//
// HongxiOutbox.send({url, method, contentType, body, kind}) resolves
//   {sent: true, status, data, url}  (data: the parsed JSON answer or null;
//                                     url: where the answer came from, after
//                                     redirects), or
//   {queued: true}                   (kept on this phone, sent later).
// kind: "xapi", "state" (H5P resume state: a newer one for the same url
// replaces one still waiting), "lesson-complete", or anything else.
// HongxiOutbox.count() resolves how many of this person's records wait.
// A "hongxi-outbox" event on window ({count, sent, sentAt}) tells of changes.
(function () {
  "use strict";
  var script = document.currentScript;
  var core = null; // window.HongxiOutboxCore, once loaded
  var coreLoading = null;
  // Set while records may wait (for anyone on this phone) or a sent notice is
  // due: only then does a page load the queue's code before it is needed.
  var HINT = "hongxi-outbox-pending";
  var keyMeta = document.querySelector('meta[name="hongxi-user"]');
  var userKey = keyMeta ? keyMeta.getAttribute("content") : "";
  var textsNode = document.getElementById("outbox-texts");
  var texts = textsNode ? JSON.parse(textsNode.textContent) : {};
  var SEEN = "hongxi-outbox-seen"; // the last sent time a page has shown
  var SYNC_TAG = "hongxi-outbox";
  var delay = 0;
  var timer = null;
  var sentOnThisPage = false;
  var answers = {}; // record key -> answer, for the records this page sent

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function bodyText(request) {
    var body = request.body;
    if (body == null) return null;
    var type = request.contentType || "";
    if (typeof body !== "string" && type.indexOf("application/json") === 0) {
      return JSON.stringify(body);
    }
    if (type.indexOf("application/x-www-form-urlencoded") === 0) {
      // The token travels in the X-CSRFToken header, refreshed before each
      // replay; a stale one in the body would win over it.
      var fields = new URLSearchParams(typeof body === "string" ? body : body);
      fields.delete("csrfmiddlewaretoken");
      return fields.toString();
    }
    return String(body);
  }

  function sendDirectly(request) {
    var headers = { "X-CSRFToken": csrfToken() };
    if (request.contentType) headers["Content-Type"] = request.contentType;
    return fetch(request.url, {
      method: request.method || "POST",
      credentials: "same-origin",
      headers: headers,
      body: bodyText(request),
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      return (json ? response.json().catch(function () { return null; }) : Promise.resolve(null))
        .then(function (data) {
          return { sent: true, status: response.status, data: data, url: response.url };
        });
    });
  }

  function registerSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready
      .then(function (registration) {
        return registration.sync && registration.sync.register(SYNC_TAG);
      })
      .catch(function () { /* no Background Sync: page load and `online` replay */ });
  }

  function scheduleRetry() {
    if (timer) return;
    delay = delay ? Math.min(delay * 2, 300000) : 5000;
    timer = setTimeout(function () {
      timer = null;
      flush().catch(scheduleRetry); // the queue's code could not load yet
    }, delay);
  }

  // The queue's code (idb-keyval and outbox-replay.js, about 4 KB) is loaded
  // when something is to be sent or waits, not on every page: a text lesson
  // stays small. The service worker keeps both files with the app shell.
  function addScript(src) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement("script");
      element.src = src;
      if (script && script.nonce) element.nonce = script.nonce;
      element.onload = resolve;
      element.onerror = reject;
      document.head.appendChild(element);
    });
  }

  function loadCore() {
    if (core) return Promise.resolve(core);
    if (!coreLoading) {
      var sources = script ? script.dataset : {};
      coreLoading = (window.idbKeyval ? Promise.resolve() : addScript(sources.idbKeyval))
        .then(function () { return window.HongxiOutboxCore ? null : addScript(sources.replay); })
        .then(function () {
          if (!window.HongxiOutboxCore) throw new Error("hongxi-outbox: no IndexedDB");
          core = window.HongxiOutboxCore;
          if (core.channel) core.channel.addEventListener("message", changedElsewhere);
          return unpark().then(function () { return core; });
        });
      coreLoading.catch(function () { coreLoading = null; }); // try again later
    }
    return coreLoading;
  }

  function hint(on) {
    try {
      if (on) localStorage.setItem(HINT, "1"); else localStorage.removeItem(HINT);
    } catch (error) { /* private mode: the queue's code loads with each send */ }
  }

  // Records made while the queue's code could not be loaded (offline before
  // it was ever needed, no service worker yet) wait in localStorage until it
  // can, then join the queue in the order they were made.
  var WAITING = "hongxi-outbox-waiting";

  function parked() {
    try { return JSON.parse(localStorage.getItem(WAITING) || "[]"); } catch (error) { return []; }
  }

  function park(record) {
    var list = parked().filter(function (old) {
      // As in the queue: a newer resume state replaces a waiting one.
      return !(record.kind === "state" && old.kind === "state" && old.url === record.url);
    });
    list.push(record);
    localStorage.setItem(WAITING, JSON.stringify(list)); // may throw: not parked
    hint(true);
  }

  function unpark() {
    var list = parked();
    if (!list.length) return Promise.resolve();
    return list.reduce(function (done, record) {
      return done.then(function () { return core.add(record); });
    }, Promise.resolve()).then(function () {
      var moved = list.length;
      localStorage.setItem(WAITING, JSON.stringify(parked().slice(moved)));
    });
  }

  function parkedMine() {
    return parked().filter(function (record) { return record.userKey === userKey; });
  }

  function hinted() {
    try { return localStorage.getItem(HINT) === "1"; } catch (error) { return true; }
  }

  function flush() {
    if (!userKey) return Promise.resolve({ results: {}, sent: 0, stopped: false });
    return loadCore()
      .then(function () { return core.replay({ userKey: userKey, csrf: csrfToken() }); })
      .then(function (outcome) {
        Object.keys(outcome.results).forEach(function (key) { answers[key] = outcome.results[key]; });
        if (outcome.sent) sentOnThisPage = true;
        return core.list(userKey).then(function (mine) {
          if (mine.length && (outcome.stopped || !outcome.sent)) {
            scheduleRetry();
          } else if (!mine.length) {
            delay = 0;
          }
          return render().then(function () { return outcome; });
        });
      });
  }

  function send(request) {
    if (!userKey) return sendDirectly(request);
    var record = {
      userKey: userKey,
      url: new URL(request.url, location.href).href,
      method: request.method || "POST",
      contentType: request.contentType || "",
      body: bodyText(request),
      kind: request.kind || "",
      csrf: csrfToken(),
    };
    return loadCore().then(function () { return core.add(record); }).then(
      function (key) {
        hint(true);
        // Another run of this page (the `online` event) may have sent it.
        return flush().then(function () {
          var answer = answers[key];
          delete answers[key];
          if (answer) return answer;
          registerSync();
          return { queued: true };
        }, function () {
          registerSync(); // it is stored: a later run sends it
          return { queued: true };
        });
      },
      // No queue: its code did not load (offline) or no IndexedDB (private
      // mode, no space). Sent directly; if that fails too, parked.
      function () {
        return sendDirectly(request).catch(function (error) {
          park(record); // throws when localStorage is refused too
          scheduleRetry();
          render();
          return { queued: true };
        });
      }
    );
  }

  function count() {
    if (!userKey) return Promise.resolve(0);
    return loadCore().then(function () { return core.list(userKey); })
      .then(function (mine) { return mine.length + parkedMine().length; },
        function () { return parkedMine().length; });
  }

  function format(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, function (all, name) {
      return name in values ? values[name] : all;
    });
  }

  // The catalogue has Chinese (one plural form) and English (one/other).
  function plural(one, other, n) {
    return format(n === 1 ? texts[one] : texts[other], { count: n });
  }

  function clock(time) {
    var date = new Date(time);
    return String(date.getHours()).padStart(2, "0") + ":" + String(date.getMinutes()).padStart(2, "0");
  }

  function seen() {
    try { return Number(localStorage.getItem(SEEN)) || 0; } catch (error) { return 0; }
  }

  function markSeen(time) {
    try { localStorage.setItem(SEEN, String(time)); } catch (error) { /* private mode */ }
  }

  function render() {
    if (!userKey) return Promise.resolve();
    var empty = { records: [], count: 0, sentAt: null, lastError: null };
    var states = core ? [core.status(userKey), core.list(null)] : [empty, []];
    return Promise.all(states).then(function (both) {
      var state = both[0];
      var mineParked = parkedMine();
      state.records = state.records.concat(mineParked);
      state.count += mineParked.length;
      var anyone = both[1].length + parked().length;
      var notice = document.getElementById("outbox-notice");
      var lines = [];
      if (state.count) {
        lines.push(plural("waitingOne", "waitingOther", state.count));
      } else if (state.sentAt && (sentOnThisPage || state.sentAt > seen())) {
        lines.push(format(texts.sentAt, { time: clock(state.sentAt) }));
        markSeen(state.sentAt);
      }
      var error = state.lastError;
      if (error && error.error && (sentOnThisPage || error.at > seen())) {
        lines.push(format(texts.refused, { error: error.error }));
      }
      if (notice) {
        var text = lines.join(" ");
        // Always in the page (a live region must exist before it speaks);
        // empty, CSS hides it.
        if (notice.textContent !== text) notice.textContent = text;
        notice.classList.toggle("waiting", Boolean(state.count));
      }
      markQueuedForms(state);
      // Nobody's records wait and the sent notice was shown.
      if (!anyone && !(state.sentAt && state.sentAt > seen())) hint(false);
      window.dispatchEvent(new CustomEvent("hongxi-outbox", {
        detail: { count: state.count, sentAt: state.sentAt, sent: sentOnThisPage },
      }));
    });
  }

  // "Mark this lesson as done": sent through the outbox; offline, the
  // lesson shows as done on this phone until the record is sent.
  function showSavedHere(form) {
    if (form.getAttribute("data-outbox-saved")) return;
    form.setAttribute("data-outbox-saved", "true");
    var note = document.createElement("p");
    note.className = "outbox-saved";
    note.textContent = texts.savedOnPhone;
    form.hidden = true;
    form.parentNode.insertBefore(note, form);
    var status = document.getElementById("lesson-status");
    if (status) {
      var tag = document.createElement("span");
      tag.className = "tag done";
      tag.textContent = texts.doneOnPhone;
      status.appendChild(document.createTextNode(" · "));
      status.appendChild(tag);
    }
  }

  function markQueuedForms(state) {
    var forms = document.querySelectorAll("form[data-outbox]");
    Array.prototype.forEach.call(forms, function (form) {
      var waiting = state.records.some(function (record) { return record.url === form.action; });
      if (waiting) {
        showSavedHere(form);
      } else if (form.getAttribute("data-outbox-saved") && state.sentAt) {
        form.previousSibling.textContent = format(texts.sentAt, { time: clock(state.sentAt) });
      }
    });
  }

  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches) return;
    if (form.matches("form[data-outbox]")) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit], button:not([type])");
      if (button) button.disabled = true;
      send({
        url: form.action,
        method: "POST",
        contentType: "application/x-www-form-urlencoded",
        body: new URLSearchParams(new FormData(form)).toString(),
        kind: form.getAttribute("data-outbox"),
      }).then(function (result) {
        if (result.queued) {
          showSavedHere(form);
        } else if (result.status < 400) {
          location.assign(result.url || form.action); // where the server sent us
        } else {
          throw new Error((result.data && result.data.error) || String(result.status));
        }
      }).catch(function (error) {
        if (button) button.disabled = false;
        var note = document.createElement("p");
        note.className = "msg error";
        note.textContent = format(texts.refused, { error: error.message });
        form.parentNode.insertBefore(note, form);
      });
    } else if (form.matches("form[data-outbox-signout]")) {
      if (form.getAttribute("data-outbox-confirmed")) return;
      event.preventDefault();
      var go = function () {
        // Submitted again, so that other sign-out handlers (clearing the
        // offline caches) see a submit event that is not prevented.
        form.setAttribute("data-outbox-confirmed", "true");
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      };
      count().then(function (n) {
        if (!n || window.confirm(plural("signOutOne", "signOutOther", n))) go();
      }, go);
    }
  }, true); // capture, on window: before handlers on the document

  function changedElsewhere(event) {
    var message = event.data;
    if (message && message.source === "hongxi-outbox") {
      if (message.detail && message.detail.sent) sentOnThisPage = true;
      loadCore().then(render).catch(function () {});
    }
  }

  window.HongxiOutbox = { send: send, count: count, flush: flush };
  if (!userKey) return;
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", changedElsewhere);
  }
  window.addEventListener("online", function () {
    if (timer) clearTimeout(timer);
    timer = null;
    delay = 0;
    if (hinted()) flush().catch(function () {});
  });
  if (hinted()) {
    count().then(function (n) { return n ? flush() : render(); }).catch(function () {
      /* no IndexedDB: sends go directly */
    });
  }
})();

// Plays the lesson's H5P activities, each in its own sandbox: an
// <iframe sandbox="allow-scripts"> (no allow-same-origin, so an opaque origin
// without the viewer's cookies) showing the activity's embed page, created when
// the activity scrolls into view. The sandbox runs code uploaded by trainers,
// so its messages are believed only so far: a message counts only if it comes
// from that activity's frame, from an opaque origin (or the content origin),
// and names that activity; a statement only if it is about that activity. This
// page then posts it with the viewer's session, and the server judges it.
(function () {
  "use strict";
  var activities = Array.prototype.slice.call(
    document.querySelectorAll(".h5p-activity[data-options]")
  );
  if (!activities.length) return;
  var frames = []; // {frame, options, status}
  var sending = Promise.resolve(); // requests go one at a time, in order
  var NAME = /^[A-Za-z0-9_-]{1,64}$/;
  var MAX_HEIGHT = 20000;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function optionsOf(el) {
    return JSON.parse(document.getElementById(el.getAttribute("data-options")).textContent);
  }

  function post(url, headers, body) {
    headers["X-CSRFToken"] = csrfToken();
    return fetch(url, { method: "POST", credentials: "same-origin", headers: headers, body: body });
  }

  function aboutActivity(statement, iri) {
    var id = statement && statement.object && statement.object.id;
    return typeof id === "string" && (id === iri || id.indexOf(iri + "?subContentId=") === 0);
  }

  function sendStatement(entry, statement) {
    if (!aboutActivity(statement, entry.options.iri)) return;
    var status = entry.status;
    var offline = entry.options.offlineText;
    sending = sending
      .then(function () {
        return post(entry.options.xapiUrl, { "Content-Type": "application/json" }, JSON.stringify(statement));
      })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (status && (data.summary || data.error)) status.textContent = data.summary || data.error;
      })
      .catch(function () { if (status) status.textContent = offline; });
  }

  function sendState(entry, message) {
    if (!NAME.test(message.dataType) || !NAME.test(message.subContentId)) return;
    if (typeof message.data !== "string") return;
    var url = entry.options.stateUrl
      .replace(":dataType", message.dataType)
      .replace(":subContentId", message.subContentId);
    var body = new URLSearchParams({ data: message.data, preload: "1", invalidate: "0" });
    sending = sending
      .then(function () {
        return post(url, { "Content-Type": "application/x-www-form-urlencoded" }, body);
      })
      .catch(function () { /* the next save brings the state again */ });
  }

  function entryFor(event) {
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].frame.contentWindow === event.source) return frames[i];
    }
    return null;
  }

  window.addEventListener("message", function (event) {
    var entry = entryFor(event);
    if (!entry) return;
    var contentOrigin = entry.options.contentOrigin;
    if (event.origin !== "null" && !(contentOrigin && event.origin === contentOrigin)) return;
    var message = event.data;
    if (!message || message.source !== "h5p-embed" || message.activity !== entry.options.activity) return;
    if (message.type === "xapi") {
      sendStatement(entry, message.statement);
    } else if (message.type === "state") {
      sendState(entry, message);
    } else if (message.type === "resize") {
      var height = Number(message.height);
      if (height > 0) entry.frame.style.height = Math.min(height, MAX_HEIGHT) + "px";
    }
  });

  function start(el) {
    var options = optionsOf(el);
    var frame = document.createElement("iframe");
    frame.setAttribute("sandbox", "allow-scripts");
    frame.setAttribute("title", options.title);
    frame.className = "h5p-sandbox";
    frame.src = options.embedUrl;
    frames.push({ frame: frame, options: options, status: document.getElementById(options.statusId) });
    el.textContent = "";
    el.appendChild(frame);
    el.setAttribute("data-ready", "true");
  }

  if (!("IntersectionObserver" in window)) {
    activities.forEach(start);
    return;
  }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        start(entry.target);
      }
    });
  }, { rootMargin: "200px" });
  activities.forEach(function (el) { observer.observe(el); });
})();

// Plays the lesson's H5P activities with the h5p-standalone player (served as
// our own static files), started only when an activity scrolls into view, and
// forwards the player's xAPI statements to the server, which decides what
// counts.
(function () {
  "use strict";
  var activities = Array.prototype.slice.call(
    document.querySelectorAll(".h5p-activity[data-options]")
  );
  if (!activities.length) return;
  var playerLoaded = null;
  var listening = false;
  var started = Promise.resolve(); // players must be created one after another
  var sending = Promise.resolve(); // statements go one at a time, in order

  function loadPlayer(src) {
    if (!playerLoaded) {
      playerLoaded = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return playerLoaded;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function optionsOf(el) {
    return JSON.parse(document.getElementById(el.getAttribute("data-options")).textContent);
  }

  function activityFor(objectId) {
    for (var i = 0; i < activities.length; i++) {
      var iri = optionsOf(activities[i]).player.xAPIObjectIRI;
      if (objectId === iri || objectId.indexOf(iri + "?") === 0) return activities[i];
    }
    return null;
  }

  function send(event) {
    var statement = event.data && event.data.statement;
    if (!statement || !statement.object) return;
    var el = activityFor(statement.object.id || "");
    if (!el) return;
    var options = optionsOf(el);
    var status = document.getElementById(options.statusId);
    sending = sending
      .then(function () {
        return fetch(options.xapiUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify(statement)
        });
      })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (status && (data.summary || data.error)) status.textContent = data.summary || data.error;
      })
      .catch(function () {
        if (status) status.textContent = options.offlineText;
      });
  }

  function start(el) {
    var options = optionsOf(el);
    started = started
      .then(function () { return loadPlayer(options.playerJs); })
      .then(function () {
        el.textContent = "";
        return new window.H5PStandalone.H5P(el, options.player);
      })
      .then(function () {
        if (!listening && window.H5P && window.H5P.externalDispatcher) {
          window.H5P.externalDispatcher.on("xAPI", send);
          listening = true;
        }
        el.setAttribute("data-ready", "true");
      })
      .catch(function () {
        el.textContent = options.errorText;
      });
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

// Collapse the main navigation behind a button on narrow screens. Loaded in
// <head> so the page never flashes the open menu; without JavaScript the
// navigation simply stays open.
(function () {
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");
  // Forms marked data-confirm ask before doing something hard to undo.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".menu-toggle");
    var nav = document.getElementById("site-nav");
    if (!button || !nav) return;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", String(!open));
      nav.classList.toggle("open", !open);
    });
  });

  // The service worker (templates/core/sw.js) and the person it keeps pages for.
  // Signing out first empties that person's caches here, so that the next person
  // on a shared phone finds nothing of theirs (the server also answers
  // Clear-Site-Data, and the worker empties them on the next signed-out page).
  // IndexedDB is left alone: unsent learning records wait there.
  function offline() {
    var USER_PREFIX = "hongxi-user-";
    function meta(name) {
      var el = document.querySelector('meta[name="' + name + '"]');
      return el ? el.getAttribute("content") : null;
    }
    function clearPersonalCaches() {
      var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
      if (worker) worker.postMessage({ type: "hongxi-signout" });
      if (!window.caches) return Promise.resolve();
      return caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf(USER_PREFIX) === 0 || name === "hongxi-meta";
        }).map(function (name) { return caches.delete(name); }));
      });
    }
    window.HongxiOffline = { clearPersonalCaches: clearPersonalCaches, userKey: function () { return meta("hongxi-user"); } };

    var signout = meta("hongxi-signout");
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches || event.defaultPrevented) return;
      var action = new URL(form.getAttribute("action") || "", location.href).pathname;
      if (!form.matches("[data-signout]") && action !== signout) return;
      if (form.hasAttribute("data-caches-cleared")) return;
      event.preventDefault();
      var send = function () {
        form.setAttribute("data-caches-cleared", "");
        form.submit();
      };
      // Never keep anyone from signing out: at most two seconds.
      Promise.race([
        clearPersonalCaches().catch(function () {}),
        new Promise(function (resolve) { setTimeout(resolve, 2000); }),
      ]).then(send, send);
    });

    var url = meta("hongxi-sw");
    if (!url || !("serviceWorker" in navigator) || !window.isSecureContext) return;
    var key = meta("hongxi-user");
    function tell(worker) {
      if (worker && key !== null) worker.postMessage({ type: "hongxi-user", key: key });
    }
    tell(navigator.serviceWorker.controller);
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      tell(navigator.serviceWorker.controller);
    });
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(url, { scope: "/" }).catch(function () {});
    });
  }
  offline();
})();

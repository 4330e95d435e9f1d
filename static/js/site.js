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

  // The offline outbox (static/js/outbox.js) loads when a page needs it, not
  // on every page (a teacher pays for each byte): when something of this
  // phone's waits or a sent notice is due, when a form sends through it
  // ("mark as done"), or when a record is sent (HongxiOutbox.send, which
  // h5p-lesson.js calls). <meta name="hongxi-outbox"> names the script and
  // the data it is given; it is there only for someone signed in.
  (function outboxLoader() {
    var tag = document.querySelector('meta[name="hongxi-outbox"]');
    if (!tag || window.HongxiOutbox) return;
    var loading = null;
    function loaded() { return window.HongxiOutbox && !window.HongxiOutbox.lazy; }
    function load() {
      if (loaded()) return Promise.resolve(window.HongxiOutbox);
      if (!loading) {
        loading = new Promise(function (resolve, reject) {
          var script = document.createElement("script");
          script.src = tag.getAttribute("content");
          script.setAttribute("data-idb-keyval", tag.getAttribute("data-idb-keyval"));
          script.setAttribute("data-replay", tag.getAttribute("data-replay"));
          script.onload = function () {
            if (loaded()) resolve(window.HongxiOutbox); else reject(new Error("outbox"));
          };
          script.onerror = function () { loading = null; reject(new Error("outbox")); };
          document.head.appendChild(script);
        });
      }
      return loading;
    }
    function later(name) {
      return function () {
        var args = arguments;
        return load().then(function (outbox) { return outbox[name].apply(outbox, args); });
      };
    }
    window.HongxiOutbox = { lazy: true, send: later("send"), count: later("count"), flush: later("flush") };
    window.HongxiOutboxLoad = load;
    var due;
    try {
      due = localStorage.getItem("hongxi-outbox-pending") === "1" ||
        (localStorage.getItem("hongxi-outbox-waiting") || "[]") !== "[]";
    } catch (error) {
      due = true;
    }
    if (due) load().catch(function () {});
    // A form that sends through the outbox, submitted before it is here:
    // held until it is, then submitted again (its own handler takes it).
    window.addEventListener("submit", function (event) {
      var form = event.target;
      if (loaded() || !form.matches || !form.matches("form[data-outbox]")) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      var submitter = event.submitter;
      load().then(function () {
        if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
      }, function () { form.submit(); });
    }, true);
  })();

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

    // Asks the worker that controls this page ({type: "hongxi-keep", ...});
    // resolves its answer (static/js/offline-course.js uses it too).
    function ask(message) {
      var sw = navigator.serviceWorker && navigator.serviceWorker.controller;
      if (!sw) return Promise.reject(new Error("unsupported"));
      return new Promise(function (resolve, reject) {
        var channel = new MessageChannel();
        var timer = setTimeout(function () { reject(new Error("network")); }, 120000);
        channel.port1.onmessage = function (event) { clearTimeout(timer); resolve(event.data); };
        sw.postMessage(message, [channel.port2]);
      });
    }
    // The same-origin URLs a lesson's activities need (its
    // <script type="application/json" id="offline-urls">), from its HTML.
    function offlineUrls(html) {
      var doc = new DOMParser().parseFromString(html || "", "text/html");
      var el = doc.getElementById("offline-urls");
      var list = [];
      try { list = el ? JSON.parse(el.textContent) : []; } catch (error) { list = []; }
      if (!Array.isArray(list)) return [];
      return list.filter(function (url) { return typeof url === "string"; }).map(function (url) {
        return new URL(url, location.href);
      }).filter(function (url) { return url.origin === location.origin; }).map(function (url) {
        return url.pathname + url.search;
      });
    }
    // Keep one page and what its activities need; resolves
    // {urls, added, sizes: {url: bytes}, html} or rejects with Error("quota" | "network").
    function keepPage(path, key) {
      var done = { urls: [], added: [], sizes: {} };
      function one(url) {
        if (done.urls.indexOf(url) >= 0) return Promise.resolve();
        return ask({ type: "hongxi-keep", url: url, key: key }).then(function (result) {
          if (!result || !result.ok) throw new Error(result && result.error === "quota" ? "quota" : "network");
          done.urls.push(url);
          done.sizes[url] = result.bytes;
          if (result.added) done.added.push(url);
          return result;
        });
      }
      return one(path).then(function (result) {
        done.html = result.html;
        return offlineUrls(result.html).reduce(function (chain, url) {
          return chain.then(function () { return one(url); });
        }, Promise.resolve());
      }).then(function () { return done; }, function (error) {
        error.kept = done;
        throw error;
      });
    }
    window.HongxiOffline.ask = ask;
    window.HongxiOffline.keepPage = keepPage;

    var url = meta("hongxi-sw");
    if (!url || !("serviceWorker" in navigator) || !window.isSecureContext) return;
    var key = meta("hongxi-user");
    var controlled = !!navigator.serviceWorker.controller;
    function tell(worker) {
      if (worker && key !== null) worker.postMessage({ type: "hongxi-user", key: key });
    }
    tell(navigator.serviceWorker.controller);
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      tell(navigator.serviceWorker.controller);
      // The first page a phone opens comes before the worker: it keeps it
      // now, if the server marked it keepable.
      if (!controlled && key) keepPage(location.pathname + location.search, key).catch(function () {});
      controlled = true;
    });
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(url, { scope: "/" }).catch(function () {});
    });
  }
  offline();
})();

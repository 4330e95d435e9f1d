// "Keep this course offline" on the course page, and the list of kept courses
// on the offline page. The service worker (templates/core/sw.js) fetches and
// stores each lesson and everything its activities need (the lesson's
// <script id="offline-urls">), into the right cache: the person's own cache
// for their pages and content, the shared ones for immutable code. What was
// kept is remembered in the person's own cache (REGISTRY), so it goes with
// it when they sign out or someone else signs in.
(function () {
  "use strict";
  var USER_PREFIX = "hongxi-user-";
  var REGISTRY = "/__hongxi__/kept-courses";

  function userKey() {
    var el = document.querySelector('meta[name="hongxi-user"]');
    return el ? el.getAttribute("content") : "";
  }

  function readRegistry(cacheName) {
    return caches.open(cacheName)
      .then(function (cache) { return cache.match(REGISTRY); })
      .then(function (response) { return response ? response.json() : {}; })
      .catch(function () { return {}; });
  }

  function writeRegistry(cacheName, registry) {
    return caches.open(cacheName).then(function (cache) {
      return cache.put(REGISTRY, new Response(JSON.stringify(registry), {
        headers: { "Content-Type": "application/json" },
      }));
    });
  }

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return name in values ? values[name] : all;
    });
  }

  function size(bytes) {
    if (bytes < 1024 * 1024) return Math.max(1, Math.round(bytes / 1024)) + " KB";
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  function when(time) {
    try {
      return new Date(time).toLocaleString(document.documentElement.lang || undefined, {
        year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit",
      });
    } catch (error) {
      return new Date(time).toISOString().slice(0, 16).replace("T", " ");
    }
  }

  // The worker that controls this page, once there is one.
  function controlled() {
    if (!("serviceWorker" in navigator) || !window.caches || !window.HongxiOffline) {
      return Promise.reject(new Error("unsupported"));
    }
    if (navigator.serviceWorker.controller) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error("unsupported")); }, 15000);
      navigator.serviceWorker.addEventListener("controllerchange", function () {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  // --- the course page ------------------------------------------------------
  function coursePage(box, course) {
    var key = userKey();
    var cacheName = key ? USER_PREFIX + key : null;
    var status = box.querySelector(".offline-status");
    var progressLine = box.querySelector(".offline-progress");
    var bar = progressLine.querySelector("progress");
    var count = progressLine.querySelector(".offline-count");
    var keepButton = box.querySelector('[data-action="keep"]');
    var removeButton = box.querySelector('[data-action="remove"]');
    var text = box.dataset;
    var busy = false;

    if (!cacheName || !("serviceWorker" in navigator) || !window.caches || !window.isSecureContext) {
      return;
    }
    box.hidden = false;

    function show(entry) {
      if (entry) {
        status.textContent = format(text.textKept, { size: size(entry.bytes), date: when(entry.updated) });
        keepButton.textContent = keepButton.dataset.labelUpdate;
        removeButton.hidden = false;
        box.classList.add("kept");
      } else {
        keepButton.textContent = keepButton.dataset.labelKeep;
        removeButton.hidden = true;
        box.classList.remove("kept");
      }
    }

    function setProgress(done) {
      bar.value = done;
      count.textContent = format(text.textProgress, { n: done, total: course.lessons.length });
    }

    function keep() {
      var added = [], urls = [], bytes = 0, done = 0;
      function note(kept) {
        kept.urls.forEach(function (url) {
          if (urls.indexOf(url) >= 0) return;
          urls.push(url);
          bytes += kept.sizes[url];
        });
        added = added.concat(kept.added);
      }
      busy = true;
      keepButton.disabled = removeButton.disabled = true;
      status.textContent = "";
      progressLine.hidden = false;
      setProgress(0);
      var pages = [course.url].concat(course.lessons);
      var chain = controlled();
      pages.forEach(function (url, index) {
        chain = chain.then(function () {
          return window.HongxiOffline.keepPage(url, key).then(note, function (error) {
            if (error.kept) note(error.kept);
            throw error;
          });
        }).then(function () { if (index > 0) setProgress(++done); });
      });
      return chain.then(function () {
        return readRegistry(cacheName).then(function (registry) {
          registry[course.id] = {
            id: course.id, title: course.title, url: course.url, lessons: course.lessons,
            urls: urls, bytes: bytes, updated: Date.now(),
          };
          return writeRegistry(cacheName, registry).then(function () { show(registry[course.id]); });
        });
      }).catch(function (error) {
        // Nothing half kept: what this attempt added goes again.
        return forget(added).catch(function () {}).then(function () {
          return readRegistry(cacheName);
        }).then(function (registry) {
          show(registry[course.id]);
          var reason = error && error.message;
          status.textContent = reason === "quota" ? text.textQuota
            : reason === "unsupported" ? text.textUnsupported : text.textNetwork;
        });
      }).then(function () {
        busy = false;
        progressLine.hidden = true;
        keepButton.disabled = removeButton.disabled = false;
      });
    }

    function forget(urls) {
      if (!urls.length) return Promise.resolve();
      return controlled().then(function () {
        return window.HongxiOffline.ask({ type: "hongxi-forget", urls: urls, key: key });
      });
    }

    function remove() {
      busy = true;
      keepButton.disabled = removeButton.disabled = true;
      return readRegistry(cacheName).then(function (registry) {
        var entry = registry[course.id];
        if (!entry) return registry;
        var others = {};
        Object.keys(registry).forEach(function (id) {
          if (String(id) === String(course.id)) return;
          (registry[id].urls || []).forEach(function (url) { others[url] = true; });
        });
        var urls = entry.urls.filter(function (url) { return !others[url]; });
        return forget(urls).then(function () {
          delete registry[course.id];
          return writeRegistry(cacheName, registry);
        }).then(function () { return registry; });
      }).then(function () {
        show(null);
        status.textContent = text.textRemoved;
      }, function () {
        status.textContent = text.textNetwork;
      }).then(function () {
        busy = false;
        keepButton.disabled = removeButton.disabled = false;
      });
    }

    keepButton.addEventListener("click", function () { if (!busy) keep(); });
    removeButton.addEventListener("click", function () { if (!busy) remove(); });
    readRegistry(cacheName).then(function (registry) { show(registry[course.id]); });
  }

  // --- the offline page -----------------------------------------------------
  function offlinePage(page) {
    var retry = page.querySelector('[data-action="retry"]');
    if (retry) retry.addEventListener("click", function () { location.reload(); });
    var section = document.getElementById("kept-courses");
    if (!section || !window.caches) return;
    // The offline page is everyone's; the one person whose cache is on the
    // phone (the worker keeps one at most) sees their kept courses.
    caches.keys().then(function (names) {
      var mine = names.filter(function (name) { return name.indexOf(USER_PREFIX) === 0; })[0];
      return mine ? readRegistry(mine) : {};
    }).then(function (registry) {
      var list = section.querySelector(".kept-list");
      Object.keys(registry).forEach(function (id) {
        var entry = registry[id];
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = entry.url;
        link.textContent = entry.title;
        item.appendChild(link);
        list.appendChild(item);
      });
      section.hidden = !list.children.length;
    });
  }

  function start() {
    var box = document.getElementById("offline-keep");
    var data = document.getElementById("offline-course");
    if (box && data) coursePage(box, JSON.parse(data.textContent));
    var page = document.getElementById("offline-page");
    if (page) offlinePage(page);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

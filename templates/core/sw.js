/* The service worker of the whole site (core.views.service_worker renders it;
 * VERSION above is a hash of this rendered text). Phones here are shared and
 * links weak, so what it keeps, and for whom, is narrow (core.offline):
 *
 * - shell (hongxi-shell-VERSION): the offline page, for a navigation the
 *   phone has no copy of; the shell's static files go to the static cache;
 * - hongxi-static-*: /static/ files, cache first (hashed names never change);
 * - hongxi-h5p: H5P code, /h5p/assets/ and /h5p/libraries/ (immutable, public);
 * - hongxi-user-KEY: the signed-in person's own pages (only responses the
 *   server marked `X-Hongxi-Offline: keep`) and their activities' content
 *   files (CONFIG.contentPath, fetched by the lesson page with the session);
 *   KEY is the opaque key of core.offline.user_key.
 *   Only one person's cache is ever on the phone: a page of someone else
 *   deletes it, a page of nobody (signed out) too.
 * Everything else (sign-in, the office, the admin, POSTs, errors) passes by.
 */
"use strict";
var CONFIG = {{ config_json|safe }};
importScripts("{{ workbox_sw_url }}");
{% if outbox_replay_url %}{% if idb_keyval_url %}self.hongxiOutboxIdbKeyvalUrl = "{{ idb_keyval_url }}";
{% endif %}importScripts("{{ outbox_replay_url }}");{% endif %}
workbox.setConfig({
  debug: false,
  modulePathCb: function (name) { return CONFIG.modules[name]; },
});

var SHELL_CACHE = "hongxi-shell-" + VERSION;
var STATIC_CACHE = CONFIG.staticCache;
var H5P_CACHE = "hongxi-h5p";
var META_CACHE = "hongxi-meta";
var USER_PREFIX = "hongxi-user-";
var USER_ENTRY = "/__hongxi__/user";
var KEEP_HEADER = "X-Hongxi-Offline";
var USER_HEADER = "X-Hongxi-User";
var NAVIGATION_TIMEOUT_MS = 4000;
var CONTENT_PATH = new RegExp(CONFIG.contentPath);
var STATIC_ENTRIES_KEPT = 600;
// Never touched: the admins (their own machinery), documents and videos
// (downloads, range requests) and the H5P embed pages.
var PASS_BY = /^\/(cms|django-admin|documents|h5p\/embed|h5p\/files)\//;

var offlineRequest = new Request(CONFIG.offlineUrl + "?rev=" + CONFIG.offlineRevision);

// --- whose phone it is -----------------------------------------------------
var currentUser = null; // a promise of the key; "" for nobody
var userChange = Promise.resolve();

function loadUser() {
  if (!currentUser) {
    currentUser = caches.open(META_CACHE)
      .then(function (cache) { return cache.match(USER_ENTRY); })
      .then(function (response) { return response ? response.text() : ""; })
      .catch(function () { return ""; });
  }
  return currentUser;
}

function deleteUserCaches(keep) {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(USER_PREFIX) === 0 && name !== keep;
    }).map(function (name) { return caches.delete(name); }));
  });
}

// The person on the phone is `key` now: every other person's cache goes.
function setUser(key) {
  userChange = userChange.then(function () {
    return loadUser().then(function (known) {
      var keep = key ? USER_PREFIX + key : null;
      return deleteUserCaches(keep).then(function () {
        if (known === key) return;
        currentUser = Promise.resolve(key);
        return caches.open(META_CACHE).then(function (cache) {
          return cache.put(USER_ENTRY, new Response(key));
        });
      });
    });
  }).catch(function () {});
  return userChange;
}

function userCache() {
  return userChange.then(loadUser).then(function (key) {
    return key ? caches.open(USER_PREFIX + key) : null;
  });
}

// --- install and take over -------------------------------------------------
self.addEventListener("install", function (event) {
  event.waitUntil(Promise.all([
    caches.open(STATIC_CACHE).then(function (cache) {
      return Promise.all(CONFIG.shell.map(function (url) {
        return cache.match(url).then(function (hit) { return hit || cache.add(url); });
      }));
    }),
    caches.open(SHELL_CACHE).then(function (cache) {
      return fetch(CONFIG.offlineUrl, { credentials: "same-origin", cache: "reload" })
        .then(function (response) {
          if (!response.ok) throw new Error("offline page: " + response.status);
          return cache.put(offlineRequest, response);
        });
    }),
  ]).then(function () { return self.skipWaiting(); }));
});

function pruneStatic() {
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      var old = requests.slice(0, Math.max(0, requests.length - STATIC_ENTRIES_KEPT));
      return Promise.all(old.map(function (request) { return cache.delete(request); }));
    });
  });
}

self.addEventListener("activate", function (event) {
  var current = [SHELL_CACHE, STATIC_CACHE, H5P_CACHE, META_CACHE];
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("hongxi-") === 0 && current.indexOf(name) < 0 &&
        name.indexOf(USER_PREFIX) !== 0;
    }).map(function (name) { return caches.delete(name); }));
  }).then(pruneStatic).then(function () { return self.clients.claim(); }));
});

// Pages say whose they are (base.html's meta), also when shown from a cache;
// signing out says so before the form is sent (site.js).
self.addEventListener("message", function (event) {
  var data = event.data || {};
  var reply = event.ports && event.ports[0];
  if (data.type === "hongxi-user" && typeof data.key === "string") {
    event.waitUntil(setUser(data.key));
  } else if (data.type === "hongxi-signout") {
    event.waitUntil(setUser(""));
  } else if (data.type === "hongxi-keep" && reply && typeof data.key === "string") {
    event.waitUntil(keepUrl(data.url, data.key).then(function (result) {
      reply.postMessage(result);
    }));
  } else if (data.type === "hongxi-forget" && reply && Array.isArray(data.urls)) {
    event.waitUntil(forgetUrls(data.urls, data.key).then(function () {
      reply.postMessage({ ok: true });
    }, function () { reply.postMessage({ ok: false }); }));
  }
});

// --- "keep this course offline" (static/js/offline-course.js) ---------------
// Where a URL of a kept course goes: immutable code to the shared caches,
// the person's pages and content to their own.
function cacheFor(url, key) {
  if (url.pathname.indexOf("/static/") === 0) return STATIC_CACHE;
  if (/^\/h5p\/(assets|libraries)\//.test(url.pathname)) return H5P_CACHE;
  return key ? USER_PREFIX + key : null;
}

function isPage(url) {
  return !/^\/(static|h5p)\//.test(url.pathname) && !CONTENT_PATH.test(url.pathname);
}

function keepUrl(href, key) {
  var url;
  try { url = new URL(href, self.location.href); } catch (error) { return Promise.resolve({ ok: false, error: "refused" }); }
  var name = cacheFor(url, key);
  if (!sameOrigin(url) || PASS_BY.test(url.pathname) || !name) {
    return Promise.resolve({ ok: false, error: "refused" });
  }
  var page = isPage(url);
  return setUser(key).then(function () { return caches.open(name); }).then(function (cache) {
    return cache.match(url.href, { ignoreVary: true }).then(function (hit) {
      // Code and content files are immutable for their URL; pages are fetched again.
      if (hit && !page) return hit.clone().arrayBuffer().then(function (body) {
        return { ok: true, added: false, bytes: body.byteLength };
      });
      var request = new Request(url.href, {
        credentials: "same-origin",
        headers: page ? { "X-Hongxi-Purpose": "keep" } : {},
        cache: page ? "no-store" : "default",
      });
      return fetch(request).then(function (response) {
        var refused = response.status !== 200 || response.type !== "basic" || response.redirected ||
          (page && (!keepable(response) || response.headers.get(USER_HEADER) !== key));
        if (refused) return { ok: false, error: "refused", status: response.status };
        return response.clone().arrayBuffer().then(function (body) {
          return cache.put(url.href, response).then(function () {
            var result = { ok: true, added: !hit, bytes: body.byteLength };
            if (page) result.html = new TextDecoder().decode(body);
            return result;
          });
        });
      });
    });
  }).catch(function (error) {
    return { ok: false, error: error && error.name === "QuotaExceededError" ? "quota" : "network" };
  });
}

function forgetUrls(urls, key) {
  var names = [H5P_CACHE];
  if (key) names.push(USER_PREFIX + key);
  return Promise.all(names.map(function (name) {
    return caches.open(name).then(function (cache) {
      return Promise.all(urls.map(function (href) {
        return cache.delete(new URL(href, self.location.href).href, { ignoreVary: true });
      }));
    });
  }));
}

{% if outbox_replay_url %}// Learning records queued offline (static/js/outbox-replay.js).
self.addEventListener("sync", function (event) {
  if (event.tag === "hongxi-outbox") event.waitUntil(self.hongxiOutboxReplay());
});
{% endif %}
// --- pages: network first, kept only when the server says so ----------------
function keepable(response) {
  return response.status === 200 && response.type === "basic" &&
    !response.redirected && response.headers.get(KEEP_HEADER) === "keep";
}

function learnUser(response) {
  var key = response.headers.get(USER_HEADER);
  return key === null ? Promise.resolve() : setUser(key);
}

function keptCopy(request) {
  return userCache().then(function (cache) {
    return cache ? cache.match(request.url, { ignoreVary: true }) : undefined;
  });
}

function offlinePage() {
  return caches.open(SHELL_CACHE).then(function (cache) { return cache.match(offlineRequest); });
}

function fromNetwork(event, request) {
  return fetch(request).then(function (response) {
    // Whose page it is counts first: another person's cache goes before
    // this page shows.
    return learnUser(response).then(function () {
      var key = response.headers.get(USER_HEADER);
      if (key && keepable(response)) {
        var name = USER_PREFIX + key;
        var copy = response.clone();
        event.waitUntil(caches.open(name).then(function (cache) {
          return cache.put(request.url, copy);
        }).catch(function () {}));
      }
      return response;
    });
  });
}

function handleNavigation(options) {
  var event = options.event, request = options.request;
  var network = fromNetwork(event, request);
  event.waitUntil(network.catch(function () {}));
  // A dead link falls back quickly to the kept copy; without one the
  // network has as long as the browser gives it.
  var slow = new Promise(function (resolve) {
    setTimeout(resolve, NAVIGATION_TIMEOUT_MS);
  }).then(function () {
    return keptCopy(request).then(function (kept) { return kept || network; });
  });
  return Promise.race([network, slow]).catch(function () {
    return keptCopy(request).then(function (kept) {
      return kept || offlinePage().then(function (page) { return page || Response.error(); });
    });
  });
}

// --- a person's activity content: cache first, into their own cache ---------
function handleContent(options) {
  var event = options.event, request = options.request;
  if (request.headers.has("range")) return fetch(request);
  return userCache().then(function (cache) {
    if (!cache) return fetch(request);
    return cache.match(request, { ignoreVary: true }).then(function (hit) {
      if (hit) return hit;
      return fetch(request).then(function (response) {
        if (response.status === 200 && response.type === "basic") {
          event.waitUntil(cache.put(request, response.clone()));
        }
        return response;
      });
    });
  });
}

function sameOrigin(url) { return url.origin === self.location.origin; }

function immutable(cacheName) {
  return new workbox.strategies.CacheFirst({
    cacheName: cacheName,
    matchOptions: { ignoreVary: true },
    plugins: [new workbox.cacheableResponse.CacheableResponsePlugin({ statuses: [200] })],
  });
}

workbox.routing.registerRoute(function (options) {
  var url = options.url, request = options.request;
  return sameOrigin(url) && request.mode === "navigate" &&
    request.destination === "document" && !PASS_BY.test(url.pathname);
}, handleNavigation);

workbox.routing.registerRoute(function (options) {
  return sameOrigin(options.url) && options.url.pathname.indexOf("/static/") === 0;
}, immutable(STATIC_CACHE));

workbox.routing.registerRoute(function (options) {
  return sameOrigin(options.url) && /^\/h5p\/(assets|libraries)\//.test(options.url.pathname);
}, immutable(H5P_CACHE));

workbox.routing.registerRoute(function (options) {
  return sameOrigin(options.url) && CONTENT_PATH.test(options.url.pathname);
}, handleContent);

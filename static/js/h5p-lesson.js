// Plays the lesson's H5P activities, each in its own sandbox: an
// <iframe sandbox="allow-scripts" srcdoc> (no allow-same-origin, so an opaque
// origin without the viewer's cookies or storage), made when the activity
// scrolls into view. A frame of an opaque origin can use neither the HTTP
// cache nor the service worker, so this page fetches the player's code (H5P
// core, the package's aggregated library JS and CSS) and the content's files
// itself, through the cache and the service worker, and hands them into the
// frame by postMessage; the frame's inline bootstrap (bridge, below) runs them
// from blob: URLs. That is what lets a phone play a lesson it saw once, fast
// and offline.
//
// The sandbox runs code uploaded by trainers, so its messages are believed
// only so far: a message counts only if it comes from that activity's frame,
// from an opaque origin, and names that activity; a statement only if it is
// about that activity. This page then posts it with the viewer's session
// (through the offline outbox, static/js/outbox.js, when there is one), and
// the server judges it.
(function () {
  "use strict";
  var activities = Array.prototype.slice.call(
    document.querySelectorAll(".h5p-activity[data-options]")
  );
  if (!activities.length) return;
  // The lesson's CSP nonce, for the frame's one inline script (a srcdoc frame
  // inherits the lesson's policy).
  var NONCE = (document.currentScript && document.currentScript.nonce) || "";
  var frames = []; // {frame, options, status, el, payload, started}
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

  function absolute(url) {
    return new URL(url, window.location.href).href;
  }

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // Sends one record: through the outbox, which keeps it on the phone until
  // it is sent, or straight to the server where there is no outbox.
  function send(url, contentType, body, kind) {
    if (window.HongxiOutbox) {
      return window.HongxiOutbox.send({ url: url, method: "POST", contentType: contentType, body: body, kind: kind });
    }
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": contentType, "X-CSRFToken": csrfToken() },
      body: body
    }).then(function (response) {
      return response.json().then(function (data) {
        return { sent: true, status: response.status, data: data };
      });
    });
  }

  function aboutActivity(statement, iri) {
    var id = statement && statement.object && statement.object.id;
    return typeof id === "string" && (id === iri || id.indexOf(iri + "?subContentId=") === 0);
  }

  function sendStatement(entry, statement) {
    if (!aboutActivity(statement, entry.options.iri)) return;
    // A client-made id: the server stores a statement once per user, so a
    // statement sent again after a lost answer is not counted twice.
    statement.id = uuid();
    var status = entry.status;
    var options = entry.options;
    var body = JSON.stringify(statement);
    sending = sending
      .then(function () { return send(options.xapiUrl, "application/json", body, "xapi"); })
      .then(function (result) {
        if (!status) return;
        if (result.queued) {
          status.textContent = options.queuedText;
        } else if (result.data && (result.data.summary || result.data.error)) {
          status.textContent = result.data.summary || result.data.error;
        }
      })
      .catch(function () { if (status) status.textContent = options.offlineText; });
  }

  function sendState(entry, message) {
    if (!NAME.test(message.dataType) || !NAME.test(message.subContentId)) return;
    if (typeof message.data !== "string") return;
    var url = entry.options.stateUrl
      .replace(":dataType", message.dataType)
      .replace(":subContentId", message.subContentId);
    var body = new URLSearchParams({ data: message.data, preload: "1", invalidate: "0" }).toString();
    sending = sending
      .then(function () { return send(url, "application/x-www-form-urlencoded", body, "state"); })
      .catch(function () { /* the next save brings the state again */ });
  }

  function entryFor(event) {
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].frame.contentWindow === event.source) return frames[i];
    }
    return null;
  }

  function fail(entry, error) {
    if (window.console) window.console.error(error);
    entry.el.setAttribute("data-playing", "false");
    if (entry.status) entry.status.textContent = navigator.onLine === false ? entry.options.offlineText : entry.options.errorText;
  }

  // Hands the player its code, content and files, once, when the frame's
  // bootstrap says it is listening.
  function handOver(entry) {
    if (entry.started) return;
    entry.started = true;
    entry.payload.then(function (payload) {
      var integration = entry.options.integration;
      integration.baseUrl = window.location.origin;
      integration.urlLibraries = absolute(integration.urlLibraries);
      var content = integration.contents[entry.options.contentId];
      content.contentUrl = absolute(content.contentUrl);
      // An opaque origin can only be addressed as "*"; only this frame's
      // window receives it.
      entry.frame.contentWindow.postMessage({
        type: "start",
        core: payload.core,
        js: payload.js,
        css: payload.css,
        files: payload.files,
        integration: integration,
        contentId: entry.options.activity
      }, "*");
    }, function (error) { fail(entry, error); });
  }

  window.addEventListener("message", function (event) {
    var entry = entryFor(event);
    if (!entry || event.origin !== "null") return;
    var message = event.data;
    if (!message || message.source !== "h5p-embed" || message.activity !== entry.options.activity) return;
    if (message.type === "ready") {
      handOver(entry);
    } else if (message.type === "playing") {
      entry.el.setAttribute("data-playing", "true");
    } else if (message.type === "failed") {
      fail(entry, message.error);
    } else if (message.type === "xapi") {
      sendStatement(entry, message.statement);
    } else if (message.type === "state") {
      sendState(entry, message);
    } else if (message.type === "resize") {
      var height = Number(message.height);
      if (height > 0) entry.frame.style.height = Math.min(height, MAX_HEIGHT) + "px";
    }
  });

  function fetchBlob(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.blob();
    });
  }

  function fetchPayload(options) {
    return Promise.all([
      fetchBlob(options.core),
      fetchBlob(options.js),
      fetchBlob(options.css),
      Promise.all(options.files.map(function (file) {
        return fetchBlob(file[1]).then(function (blob) { return { path: file[0], blob: blob }; });
      }))
    ]).then(function (parts) {
      return { core: parts[0], js: parts[1], css: parts[2], files: parts[3] };
    });
  }

  // The frame's document: one element for the player and the bootstrap,
  // with this lesson's nonce.
  function frameDocument(activity) {
    var source = "(" + bridge.toString() + ")(" + JSON.stringify(activity) + ");";
    return '<!doctype html><html><head><meta charset="utf-8">' +
      '<meta name="viewport" content="width=device-width, initial-scale=1"></head>' +
      '<body><div class="h5p-iframe"><div class="h5p-content" data-content-id="' + activity + '"></div></div>' +
      '<script nonce="' + NONCE + '">' + source.replace(/<\//g, "<\\/") + "</script></body></html>";
  }

  function start(el) {
    var options = optionsOf(el);
    if (!NAME.test(options.activity)) return;
    var entry = {
      el: el,
      options: options,
      status: document.getElementById(options.statusId),
      payload: fetchPayload(options),
      started: false
    };
    entry.payload.catch(function (error) { fail(entry, error); });
    var frame = document.createElement("iframe");
    frame.setAttribute("sandbox", "allow-scripts");
    frame.setAttribute("title", options.title);
    frame.className = "h5p-sandbox";
    entry.frame = frame;
    frames.push(entry);
    frame.srcdoc = frameDocument(options.activity);
    el.textContent = "";
    el.appendChild(frame);
    el.setAttribute("data-ready", "true");
  }

  // Runs inside the sandboxed frame (its source is copied into the frame's
  // document, so it may use nothing from this file): it waits for the
  // lesson page's hand-over, starts H5P core and the package's libraries
  // from blob: URLs, and tells the lesson page, by postMessage, the player's
  // xAPI statements, its resume state and the height the frame needs.
  function bridge(activity) {
    // An opaque origin has no web storage: reading window.localStorage
    // throws, and H5P core reads it as it starts. Storage for the page's life:
    function memoryStorage() {
      var items = {};
      return {
        get length() { return Object.keys(items).length; },
        key: function (i) { return Object.keys(items)[i] || null; },
        getItem: function (k) { return Object.prototype.hasOwnProperty.call(items, k) ? items[k] : null; },
        setItem: function (k, v) { items[k] = String(v); },
        removeItem: function (k) { delete items[k]; },
        clear: function () { items = {}; }
      };
    }
    ["localStorage", "sessionStorage"].forEach(function (name) {
      try {
        window[name].length; // eslint-disable-line no-unused-expressions
      } catch (error) {
        Object.defineProperty(window, name, { value: memoryStorage(), configurable: true });
      }
    });

    var started = false;
    var sent = {}; // "subContentId/dataType" -> the last state handed over
    var contentKey = "cid-" + activity;

    function tell(message) {
      message.source = "h5p-embed";
      message.activity = activity;
      window.parent.postMessage(message, "*");
    }

    function load(tag, attributes) {
      return new Promise(function (resolve, reject) {
        var el = document.createElement(tag);
        Object.keys(attributes).forEach(function (key) { el[key] = attributes[key]; });
        el.onload = resolve;
        el.onerror = function () { reject(new Error("could not load " + tag)); };
        document.head.appendChild(el);
      });
    }

    // H5P keeps the state it saves (every saveFreq seconds, and soon after a
    // "completed" or "progressed" statement) in H5PIntegration, then would
    // post it by ajax; with no `user` set it does not, and the lesson page
    // posts it.
    function handOverState() {
      var content = window.H5PIntegration && window.H5PIntegration.contents[contentKey];
      var data = (content && content.contentUserData) || {};
      Object.keys(data).forEach(function (subContentId) {
        var types = data[subContentId] || {};
        Object.keys(types).forEach(function (dataType) {
          var key = subContentId + "/" + dataType;
          var value = types[dataType];
          if (typeof value !== "string" || sent[key] === value) return;
          sent[key] = value;
          tell({ type: "state", subContentId: String(subContentId), dataType: dataType, data: value });
        });
      });
    }

    var lastHeight = 0;
    function tellHeight() {
      var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (height && height !== lastHeight) {
        lastHeight = height;
        tell({ type: "resize", height: height });
      }
    }

    function run(message) {
      var fileUrls = {};
      (message.files || []).forEach(function (file) {
        fileUrls[file.path] = URL.createObjectURL(file.blob);
      });
      var saved = message.integration.contents[contentKey].contentUserData || {};
      Object.keys(saved).forEach(function (subContentId) {
        Object.keys(saved[subContentId]).forEach(function (dataType) {
          sent[subContentId + "/" + dataType] = saved[subContentId][dataType];
        });
      });
      window.H5PIntegration = message.integration;
      window.H5P = window.H5P || {};
      window.H5P.preventInit = true;
      load("link", { rel: "stylesheet", href: URL.createObjectURL(message.css) })
        .then(function () { return load("script", { src: URL.createObjectURL(message.core) }); })
        .then(function () {
          // Content files handed over are read from their blobs; the rest
          // (a big video) from the network.
          var getPath = window.H5P.getPath;
          window.H5P.getPath = function (path) {
            var key = typeof path === "string" ? path.replace(/^\.?\//, "").split("#")[0] : path;
            if (Object.prototype.hasOwnProperty.call(fileUrls, key)) return fileUrls[key];
            return getPath.apply(this, arguments);
          };
          return load("script", { src: URL.createObjectURL(message.js) });
        })
        .then(function () {
          window.H5P.externalDispatcher.on("xAPI", function (event) {
            if (event.data && event.data.statement) {
              tell({ type: "xapi", statement: event.data.statement });
            }
          });
          window.H5P.init(document.body);
          setInterval(handOverState, 1000);
          window.addEventListener("pagehide", handOverState);
          if ("ResizeObserver" in window) {
            new ResizeObserver(tellHeight).observe(document.documentElement);
          } else {
            setInterval(tellHeight, 500);
          }
          tellHeight();
          tell({ type: "playing" });
        })
        .catch(function (error) {
          tell({ type: "failed", error: String(error && error.message || error) });
        });
    }

    window.addEventListener("message", function (event) {
      if (event.source !== window.parent || started) return;
      var message = event.data;
      if (!message || message.type !== "start") return;
      started = true;
      run(message);
    });
    tell({ type: "ready" });
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

// Runs in the embed page of one H5P activity (courses/h5p_embed.html), inside
// the lesson's sandboxed frame: an opaque origin without cookies or storage, in
// the same realm as the package's library code, so nothing here is trusted by
// the lesson page or the server. It starts the h5p-standalone player and hands
// the lesson page, by postMessage to its origin only, the player's xAPI
// statements, its resume state and the height the frame needs.
(function () {
  "use strict";
  // An opaque origin has no web storage: reading window.localStorage throws,
  // and H5P core reads it as it starts (its offline queue, the clipboard).
  // Give it storage that lasts as long as the page.
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

  var options = JSON.parse(document.getElementById("h5p-embed-options").textContent);
  var el = document.getElementById("h5p-embed");
  var contentId = options.player.id;
  var sent = {}; // "subContentId/dataType" -> the last state handed over

  function tell(message) {
    message.source = "h5p-embed";
    message.activity = options.activity;
    window.parent.postMessage(message, options.parentOrigin);
  }

  // H5P keeps the state it saves (every saveFreq seconds, and soon after a
  // "completed" or "progressed" statement) in H5PIntegration, then would post
  // it by ajax; with no `user` set it does not, and the lesson page posts it.
  function handOverState() {
    var content = window.H5PIntegration && window.H5PIntegration.contents["cid-" + contentId];
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

  function rememberPreloaded() {
    var data = options.player.contentUserData || {};
    Object.keys(data).forEach(function (subContentId) {
      Object.keys(data[subContentId]).forEach(function (dataType) {
        sent[subContentId + "/" + dataType] = data[subContentId][dataType];
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

  rememberPreloaded();
  new window.H5PStandalone.H5P(el, options.player)
    .then(function () {
      window.H5P.externalDispatcher.on("xAPI", function (event) {
        if (event.data && event.data.statement) {
          tell({ type: "xapi", statement: event.data.statement });
        }
      });
      setInterval(handOverState, 1000);
      if ("ResizeObserver" in window) {
        new ResizeObserver(tellHeight).observe(document.documentElement);
      } else {
        setInterval(tellHeight, 500);
      }
      tellHeight();
    })
    .catch(function (error) {
      window.console.error(error);
      el.className = "h5p-embed-error";
      el.textContent = options.errorText;
      tellHeight();
    });
  window.addEventListener("pagehide", handOverState);
})();

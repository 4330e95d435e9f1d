// Follow a background job (bulk issuance, export) from its JSON endpoint
// every 2 s. The endpoint answers the progress JSON of core/jobs.py: total,
// percent, done, finished, and the kind's own keys. The page marks what the
// state fills in: data-text="key" shows state[key], data-href="key" links to
// it, data-show-if / data-hide-if="key" appear or hide on its truth, a
// <progress> follows state.percent; "failed" (finished but not done) is
// there for every kind. Polling stops once state.finished is true.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-progress-url");
  function each(attr, apply) {
    box.querySelectorAll("[" + attr + "]").forEach(function (el) {
      apply(el, el.getAttribute(attr));
    });
  }
  function show(state) {
    if (!("failed" in state)) state.failed = Boolean(state.finished && !state.done);
    var bar = box.querySelector("progress");
    if (bar) bar.value = state.percent;
    each("data-text", function (el, key) { el.textContent = state[key]; });
    each("data-href", function (el, key) { if (state[key]) el.href = state[key]; });
    each("data-show-if", function (el, key) { el.hidden = !state[key]; });
    each("data-hide-if", function (el, key) { el.hidden = Boolean(state[key]); });
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (!state.finished) window.setTimeout(poll, 2000);
      })
      .catch(function () {
        window.setTimeout(poll, 10000);
      });
  }
  window.setTimeout(poll, 1000);
})();

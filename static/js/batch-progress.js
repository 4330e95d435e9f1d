// Refresh a bulk issuance's progress bar every 2 s from its JSON endpoint,
// and show the zip download link once the archive is ready.
(function () {
  "use strict";
  var box = document.querySelector("[data-batch-progress]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-batch-progress");
  var bar = box.querySelector("progress");
  function field(name) {
    return box.querySelector('[data-field="' + name + '"]');
  }
  function show(state) {
    bar.max = state.total || 1;
    bar.value = state.total ? state.issued : 1;
    field("issued").textContent = state.issued;
    field("total").textContent = state.total;
    field("percent").textContent = state.percent;
    field("running").hidden = state.done;
    field("finished").hidden = !state.done;
    if (state.archive_url) field("archive").href = state.archive_url;
    field("archive-box").hidden = !state.archive_url;
    field("archive-waiting").hidden = Boolean(state.archive_url) || !state.total;
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        show(state);
        // Finished batches with nothing to zip, or with their zip, need no more polling.
        if (!(state.done && (state.archive_url || !state.total))) {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 10000);
      });
  }
  window.setTimeout(poll, 2000);
})();

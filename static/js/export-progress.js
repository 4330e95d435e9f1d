// Refresh an export's progress every 2 s from its JSON endpoint and show the
// download link once the file is written.
(function () {
  "use strict";
  var box = document.querySelector("[data-export-progress]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-export-progress");
  var bar = box.querySelector("progress");
  function field(name) {
    return box.querySelector('[data-field="' + name + '"]');
  }
  function show(state) {
    bar.value = state.percent;
    field("rows").textContent = state.rows;
    field("total").textContent = state.total;
    field("percent").textContent = state.percent;
    field("label").textContent = state.label;
    if (state.download_url) field("download").href = state.download_url;
    field("download-box").hidden = !state.download_url;
    field("failed").hidden = !state.failed;
    field("waiting").hidden = state.done || state.failed;
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (!state.done && !state.failed) window.setTimeout(poll, 2000);
      })
      .catch(function () {
        window.setTimeout(poll, 10000);
      });
  }
  window.setTimeout(poll, 1000);
})();

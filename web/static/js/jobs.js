// Keeps a job's status page current by polling its JSON; without this file the page has a
// refresh link. When the job finishes, the page reloads to show the download or the reason.
(function () {
  "use strict";

  var box = document.getElementById("job-status");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  var status = box.getAttribute("data-status");
  if (!url || status === "done" || status === "failed") return;
  var delay = 1000;

  function set(name, value) {
    var el = box.querySelector('[data-job-field="' + name + '"]');
    if (el && value !== undefined && value !== null) el.textContent = value;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        set("status_label", data.status_label);
        set("progress", data.progress);
        set("step_label", data.step_label);
        var bar = document.getElementById("job-progress");
        if (bar) bar.value = data.progress;
        if (data.finished) {
          window.location.reload();
          return;
        }
        delay = Math.min(delay * 1.2, 5000);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();

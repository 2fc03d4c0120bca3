// Polls a long job's progress (a report run, a large import: JSON with progress, note,
// status_label, finished) and moves the bar of the element marked data-progress-poll; its
// data-url is the JSON address, data-note the id of the line that says what is being done.
// Reloads the page when the job ends, to show its outcome.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-poll]");
  if (!box) { return; }
  var url = box.dataset.url;
  var bar = box.querySelector(".progress-bar");
  var note = document.getElementById(box.dataset.note);
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        bar.style.width = data.progress + "%";
        bar.textContent = data.progress + "%";
        box.setAttribute("aria-valuenow", data.progress);
        if (note) { note.textContent = data.note || data.status_label; }
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();

// Members pages: print buttons, and the import job's progress bar.
(function () {
  "use strict";

  document.querySelectorAll(".print-page").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      window.print();
    });
  });

  var job = document.getElementById("import-job");
  if (!job || job.dataset.finished === "1") {
    return;
  }
  var bar = job.querySelector("[data-role=bar]");
  var status = job.querySelector("[data-role=status]");
  // The page carries the stage names in the user's language.
  var stages = { working: job.dataset.labelWorking, queued: job.dataset.labelQueued, running: job.dataset.labelRunning };

  function poll() {
    fetch(job.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.textContent = state.percent + "%";
        bar.parentElement.setAttribute("aria-valuenow", state.percent);
        // CSSOM changes are allowed by the CSP (only style attributes in markup are not).
        bar.style.width = state.percent + "%";
        status.textContent = state.finished ? state.status_label : (stages[state.stage] || state.status_label) +
          (state.total ? " " + state.done + " / " + state.total : "");
        if (state.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();

/* Progressive enhancement of the survey pages; every page also works without JavaScript. */
(function () {
  "use strict";

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  // Comment counter, announced politely to screen readers.
  var comment = document.getElementById("id_comment");
  var counter = document.getElementById("comment-counter");
  if (comment && counter) {
    var max = parseInt(counter.dataset.max, 10);
    var update = function () {
      counter.textContent = format(counter.dataset.template, { used: comment.value.length, max: max });
      counter.classList.toggle("text-danger", comment.value.length > max);
    };
    comment.addEventListener("input", update);
    update();
  }

  // Contact fields only show once the consent box is ticked (they stay visible without JS).
  var consent = document.getElementById("id_contact_consent");
  var contact = document.getElementById("contact-fields");
  if (consent && contact) {
    var hasErrors = contact.querySelector(".is-invalid") !== null;
    var toggle = function () { contact.hidden = !consent.checked && !hasErrors; };
    consent.addEventListener("change", function () { hasErrors = false; toggle(); });
    toggle();
  }

  // One submission per click: the idempotency key protects the server, this spares the wait.
  var form = document.getElementById("survey-form");
  var submit = document.getElementById("submit-survey");
  if (form && submit) {
    form.addEventListener("submit", function () {
      window.setTimeout(function () { submit.disabled = true; }, 0);
    });
    window.addEventListener("pageshow", function () { submit.disabled = false; });
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }

  // Unit picker: filter as the customer types, ignoring Vietnamese diacritics.
  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  var search = document.querySelector("[data-unit-filter]");
  if (search) {
    var list = document.querySelector(search.dataset.unitFilter);
    var status = document.getElementById("unit-search-status");
    var filter = function () {
      var needle = plain(search.value.trim());
      var shown = 0;
      list.querySelectorAll("[data-unit-group]").forEach(function (group) {
        var visible = 0;
        group.querySelectorAll("[data-unit-name]").forEach(function (item) {
          var match = plain(item.dataset.unitName).indexOf(needle) !== -1;
          item.hidden = !match;
          if (match) { visible += 1; }
        });
        group.hidden = visible === 0;
        shown += visible;
      });
      if (status) { status.textContent = needle ? format(status.dataset.template, { n: shown }) : ""; }
    };
    search.addEventListener("input", filter);
  }

  var printButton = document.querySelector("[data-print]");
  if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }
})();

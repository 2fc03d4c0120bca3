// Keying page: digits only, the cursor moves on by itself, Enter saves (the form's own submit).
(function () {
  "use strict";
  var form = document.getElementById("keying-form");
  if (!form) { return; }
  var script = document.currentScript;
  var refusedBox = document.getElementById("keying-refused");
  var fields = Array.prototype.slice.call(form.querySelectorAll("input.score, #f-comment"));
  var scores = Array.prototype.slice.call(form.querySelectorAll("input.score"));

  function allowed(input, key) {
    var zero = input.dataset.allowZero === "1";
    return /^[1-5]$/.test(key) || (zero && key === "0");
  }
  function refuse(input) {
    input.classList.add("is-invalid");
    refusedBox.textContent = input.dataset.allowZero === "1"
      ? script.dataset.refused : script.dataset.refusedZero;
  }
  function next(input) {
    var i = fields.indexOf(input);
    if (i >= 0 && i + 1 < fields.length) { fields[i + 1].focus(); fields[i + 1].select(); }
  }
  scores.forEach(function (input) {
    input.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (event.key === "Backspace" && input.value === "") {
        var i = fields.indexOf(input);
        if (i > 0) { event.preventDefault(); fields[i - 1].focus(); fields[i - 1].select(); }
        return;
      }
      if (event.key.length !== 1) { return; }  // Enter, Tab, arrows… keep their meaning
      event.preventDefault();
      if (!allowed(input, event.key)) { refuse(input); return; }
      input.value = event.key;
      input.classList.remove("is-invalid");
      refusedBox.textContent = "";
      next(input);
    });
    // Pasted or otherwise inserted text: keep only an allowed digit.
    input.addEventListener("input", function () {
      if (input.value !== "" && !allowed(input, input.value)) { input.value = ""; refuse(input); }
    });
  });
  var firstInvalid = form.querySelector(".is-invalid");
  var start = firstInvalid || document.getElementById("f-answered_on");
  if (start && start.id === "f-answered_on" && start.value) { start = scores[0]; }
  if (start) { start.focus(); if (start.select) { start.select(); } }
})();

// Recompute the proposed minimum n = N / (1 + N·e²), e = 0.05, rounded up, as N is typed
// (surveys.stats.proposed_quota computes the same, in the same floating-point steps).
"use strict";
document.addEventListener("input", function (event) {
  var input = event.target;
  if (!input.name || !/-transaction_volume$/.test(input.name)) return;
  var row = input.closest("tr") || input.closest(".inline-related");
  var cell = row && row.querySelector(".field-proposed_minimum p, td.field-proposed_minimum");
  if (!cell) return;
  var volume = parseInt(input.value, 10);
  cell.textContent = volume > 0 ? String(Math.ceil(volume / (1 + volume * 0.05 * 0.05))) : "–";
});

// Recompute the proposed minimum n = N / (1 + N·e²), e = 0.05, rounded up, as N is typed
// (surveys.stats.proposed_quota computes the same, in the same floating-point steps).
"use strict";
window.kbnnProposedQuota = function (volume) {
  return volume > 0 ? Math.ceil(volume / (1 + volume * 0.05 * 0.05)) : null;
};
document.addEventListener("input", function (event) {
  var input = event.target;
  if (!input.name || !/-transaction_volume$/.test(input.name)) return;
  var row = input.closest("tr") || input.closest(".inline-related");
  // The admin renders a read-only field as <td class="field-…"><p>value</p></td>.
  var cell = row && (row.querySelector(".field-proposed_minimum p") ||
                     row.querySelector(".field-proposed_minimum"));
  if (!cell) return;
  var proposed = window.kbnnProposedQuota(parseInt(input.value, 10));
  cell.textContent = proposed === null ? "–" : String(proposed);
});

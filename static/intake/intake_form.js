// The intake form: the body diagram fills complaints, and complaints can be added without a page load.
// Served as a file (no inline script) so the strict Content Security Policy holds.
(function () {
  "use strict";
  const form = document.getElementById("intake-form");
  if (!form) return;
  const rows = document.getElementById("complaint-rows");
  const template = document.getElementById("complaint-template");
  const total = form.querySelector("input[name='complaints-TOTAL_FORMS']");
  const maxForms = parseInt(form.querySelector("input[name='complaints-MAX_NUM_FORMS']").value, 10);
  let active = null;

  function complaintRows() { return Array.from(rows.querySelectorAll("[data-complaint]")); }

  function setActive(row) {
    complaintRows().forEach((r) => r.classList.toggle("active-complaint", r === row));
    active = row;
  }

  function renumber() {
    complaintRows().forEach((row, i) => { row.querySelector("[data-complaint-number]").textContent = i + 1; });
  }

  function addRow() {
    const index = parseInt(total.value, 10);
    if (index >= maxForms) return null;
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const row = complaintRows().at(-1);
    renumber();
    setActive(row);
    return row;
  }

  function regionOf(row) { return row.querySelector("[data-region-select]").value; }

  function highlight() {
    const chosen = new Set(complaintRows().map((row) => regionOf(row) + "|" + (checkedSide(row) || "")));
    document.querySelectorAll(".body-diagram .region, .region-button").forEach((el) => {
      const on = chosen.has(el.dataset.region + "|" + el.dataset.side);
      el.classList.toggle("chosen", on);
      el.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  function checkedSide(row) {
    const checked = row.querySelector("input[type=radio][name$='-side']:checked");
    return checked ? checked.value : null;
  }

  function choose(region, side) {
    let row = active && document.body.contains(active) ? active : complaintRows().at(-1);
    if (!row || (regionOf(row) && regionOf(row) !== region)) row = addRow() || row;
    row.querySelector("[data-region-select]").value = region;
    const sideInput = row.querySelector(`input[type=radio][name$='-side'][value='${side}']`);
    if (sideInput) sideInput.checked = true;
    setActive(row);
    highlight();
    const pain = row.querySelector("input[type=radio][name$='-pain_now']");
    if (pain) pain.closest(".col-12").scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  // Front / Back switch: where the diagram is too narrow for both views (a phone), the stylesheet shows the chosen one.
  const diagram = document.querySelector(".body-diagram");
  if (diagram) {
    const switches = Array.from(diagram.querySelectorAll("[data-body-view]"));
    diagram.classList.add("switchable");
    switches.forEach((button) => button.addEventListener("click", () => {
      diagram.dataset.view = button.dataset.bodyView;
      switches.forEach((b) => b.setAttribute("aria-pressed", b === button ? "true" : "false"));
    }));
  }

  document.querySelectorAll(".body-diagram .region, .region-button").forEach((el) => {
    el.addEventListener("click", () => choose(el.dataset.region, el.dataset.side));
    el.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(el.dataset.region, el.dataset.side); }
    });
  });
  form.querySelector("[data-add-complaint]").addEventListener("click", () => {
    const row = addRow();
    if (row) row.querySelector("[data-region-select]").focus();
  });
  rows.addEventListener("focusin", (event) => { const row = event.target.closest("[data-complaint]"); if (row) setActive(row); });
  rows.addEventListener("change", highlight);
  setActive(complaintRows().at(-1));
  highlight();
})();

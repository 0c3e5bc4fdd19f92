// The client's link: print it, copy its address. A file, not an inline script, so the strict CSP holds.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
  document.querySelectorAll("[data-copy]").forEach((button) =>
    button.addEventListener("click", () => {
      const field = document.getElementById(button.dataset.copy);
      field.select();
      if (navigator.clipboard) navigator.clipboard.writeText(field.value).catch(() => {});
    }),
  );
})();

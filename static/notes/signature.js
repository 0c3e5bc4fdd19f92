// Optional drawn signature on a touch screen: the drawing goes into a hidden field as a PNG data URL.
(function () {
  "use strict";
  document.querySelectorAll("canvas[data-signature-for]").forEach((canvas) => {
    const field = document.getElementById(canvas.dataset.signatureFor);
    if (!field) return;
    const pen = canvas.getContext("2d");
    pen.lineWidth = 2.5; pen.lineCap = "round"; pen.strokeStyle = "#111";
    let drawing = false, drawn = false;
    function point(event) {
      const box = canvas.getBoundingClientRect();
      return [(event.clientX - box.left) * canvas.width / box.width, (event.clientY - box.top) * canvas.height / box.height];
    }
    canvas.addEventListener("pointerdown", (event) => { drawing = true; canvas.setPointerCapture(event.pointerId); pen.beginPath(); pen.moveTo(...point(event)); });
    canvas.addEventListener("pointermove", (event) => { if (!drawing) return; pen.lineTo(...point(event)); pen.stroke(); drawn = true; });
    canvas.addEventListener("pointerup", () => { drawing = false; if (drawn) field.value = canvas.toDataURL("image/png"); });
    const clear = canvas.parentElement.querySelector("[data-signature-clear]");
    if (clear) clear.addEventListener("click", () => { pen.clearRect(0, 0, canvas.width, canvas.height); field.value = ""; drawn = false; });
  });
})();

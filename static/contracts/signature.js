// The signing page: draw a signature on the canvas (mouse, pen or touch) or type it.
(function () {
  "use strict";
  var form = document.getElementById("sign-form");
  if (!form) { return; }
  var pad = form.querySelector("[data-signature-pad]");
  var canvas = pad.querySelector("canvas");
  var image = form.querySelector("input[name=image]");
  var typed = form.querySelector("[data-typed-preview]");
  var nameInput = form.querySelector("input[name=signer_name]");
  var ctx = canvas.getContext("2d");
  var drawing = false;
  var drawn = false;
  ctx.lineWidth = 2.5;
  ctx.lineCap = "round";
  ctx.strokeStyle = "#0b2545";

  function point(event) {
    var rect = canvas.getBoundingClientRect();
    return {
      x: (event.clientX - rect.left) * (canvas.width / rect.width),
      y: (event.clientY - rect.top) * (canvas.height / rect.height)
    };
  }
  canvas.addEventListener("pointerdown", function (event) {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    var p = point(event);
    ctx.beginPath();
    ctx.moveTo(p.x, p.y);
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) { return; }
    var p = point(event);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    drawn = true;
  });
  function stop() {
    if (drawing && drawn) { image.value = canvas.toDataURL("image/png"); }
    drawing = false;
  }
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  pad.querySelector("[data-signature-clear]").addEventListener("click", function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
    image.value = "";
  });

  function method() {
    var checked = form.querySelector("input[name=method]:checked");
    return checked ? checked.value : "drawn";
  }
  function sync() {
    var typing = method() === "typed";
    pad.classList.toggle("d-none", typing);
    typed.classList.toggle("d-none", !typing);
    typed.textContent = nameInput.value;
  }
  form.querySelectorAll("input[name=method]").forEach(function (radio) {
    radio.addEventListener("change", sync);
  });
  nameInput.addEventListener("input", sync);
  sync();
})();

// The back office's check-in scanner: QR codes through the camera with the
// browser's BarcodeDetector where present (Chromium, Android), else with the
// self-hosted jsQR decoder (iOS Safari, Firefox); a scan fills the ticket code
// and submits the form. The list's counts refresh every few seconds.
(function () {
  "use strict";
  var button = document.getElementById("scan-start");
  var video = document.getElementById("scanner");
  var canvas = document.getElementById("scanner-frame");
  var form = document.getElementById("checkin-form");
  var status = document.getElementById("scan-status");

  function say(text) {
    if (status) status.textContent = text;
  }

  function submit(code) {
    form.querySelector("[name=secret]").value = code;
    form.submit();
  }

  function nativeDetector() {
    if (!("BarcodeDetector" in window)) return null;
    try {
      return new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (e) {
      return null;
    }
  }

  function decodeWithJsQR() {
    if (typeof window.jsQR !== "function" || !video.videoWidth) return null;
    var width = video.videoWidth;
    var height = video.videoHeight;
    canvas.width = width;
    canvas.height = height;
    var context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(video, 0, 0, width, height);
    var image = context.getImageData(0, 0, width, height);
    var found = window.jsQR(image.data, width, height, { inversionAttempts: "dontInvert" });
    return found && found.data ? found.data : null;
  }

  async function start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(button.dataset.noCamera || "No camera available: type the code below.");
      return;
    }
    var stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment" },
        audio: false,
      });
    } catch (e) {
      say(button.dataset.denied || "The camera could not be opened: type the code below.");
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    button.hidden = true;
    await video.play();
    var detector = nativeDetector();
    var stop = function () {
      stream.getTracks().forEach(function (track) { track.stop(); });
    };
    var tick = async function () {
      var code = null;
      if (detector) {
        var codes = await detector.detect(video).catch(function () { return []; });
        code = codes.length ? codes[0].rawValue : null;
      } else {
        code = decodeWithJsQR();
      }
      if (code) {
        stop();
        submit(code);
        return;
      }
      requestAnimationFrame(tick);
    };
    tick();
  }

  if (button && video && form) {
    if (!nativeDetector() && typeof window.jsQR !== "function") {
      // jsQR is loaded with defer before this script; without either, type codes.
      button.hidden = true;
    } else {
      button.addEventListener("click", start);
    }
  }

  var counts = document.getElementById("checkin-counts");
  if (counts && counts.dataset.url && window.fetch) {
    var refresh = function () {
      fetch(counts.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          counts.querySelectorAll("[data-count]").forEach(function (node) {
            var value = data[node.dataset.count];
            if (value !== undefined) node.textContent = String(value);
          });
        })
        .catch(function () {});
    };
    window.setInterval(refresh, 5000);
  }
})();

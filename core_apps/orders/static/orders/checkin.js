// Scans QR codes with the device camera through the browser's BarcodeDetector
// (Chromium, Android); elsewhere the manual field and search still work.
(function () {
  const button = document.getElementById("scan-start");
  const video = document.getElementById("scanner");
  const form = document.getElementById("checkin-form");
  if (!button || !("BarcodeDetector" in window)) {
    if (button) button.hidden = true;
    return;
  }
  button.addEventListener("click", async function () {
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const tick = async function () {
      const codes = await detector.detect(video).catch(function () { return []; });
      if (codes.length) {
        stream.getTracks().forEach(function (t) { t.stop(); });
        form.querySelector("[name=secret]").value = codes[0].rawValue;
        form.submit();
        return;
      }
      requestAnimationFrame(tick);
    };
    tick();
  });
})();

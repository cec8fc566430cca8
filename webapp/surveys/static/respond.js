// A second tap on "Send" while the first is on its way does nothing; the server also
// refuses the same form twice (its submission token), this only spares a second request.
document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (form.dataset.sending === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    form.classList.add("is-sending");
  });
});

// Kiosk: a tablet passed around at a meeting. When nobody touches the form for a while
// (someone walked away, perhaps with an error message and their answers on screen), it
// starts again empty, so the next person never sees what the previous one typed.
document.querySelectorAll("form[data-idle-reset-url]").forEach(function (form) {
  var seconds = parseInt(form.dataset.idleSeconds, 10) || 180;
  var timer = null;
  function restart() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      window.location.replace(form.dataset.idleResetUrl);
    }, seconds * 1000);
  }
  ["input", "change", "keydown", "pointerdown", "scroll"].forEach(function (name) {
    document.addEventListener(name, restart, { passive: true });
  });
  restart();
});

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

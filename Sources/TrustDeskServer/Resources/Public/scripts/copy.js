// Copy buttons for secrets a page shows once (platform/one-time-secret.leaf). The page works
// without this script: the field is read-only and its text can be selected and copied by hand.
// The script only reveals each field's button and copies on a click, saying so in the field's
// status line for screen readers too. Only pages with such a secret load it, once per secret, so
// it enhances each button once.
(function () {
  "use strict";

  function say(button, message) {
    var status = document.getElementById(button.getAttribute("data-copy") + "-copied");
    if (status) status.textContent = message;
  }

  function copyBySelection(field, button) {
    field.focus();
    field.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    say(button, copied ? "Copied." : "Selected: press Ctrl+C (or Cmd+C) to copy.");
  }

  function copy(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () { say(button, "Copied."); },
        function () { copyBySelection(field, button); }
      );
    } else {
      copyBySelection(field, button);
    }
  }

  function enhance() {
    var buttons = document.querySelectorAll("button[data-copy]:not([data-copy-ready])");
    for (var i = 0; i < buttons.length; i++) {
      var button = buttons[i];
      button.setAttribute("data-copy-ready", "");
      button.hidden = false;
      button.addEventListener("click", function (event) { copy(event.currentTarget); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();

// Behaviour every page shares. The Content-Security-Policy allows scripts from this
// site only (script-src 'self'), so pages carry no inline script or on...= handler:
// they mark elements with data- attributes and this file gives them their behaviour.
(function () {
  // <select data-autosubmit>: choosing an option sends its form (the language selector).
  // Without JavaScript the form's <noscript> button does the same.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.matches("select[data-autosubmit]") || !field.form) return;
    if (field.form.requestSubmit) field.form.requestSubmit(); else field.form.submit();
  });

  // <input data-select-on-focus>: focusing selects the whole value, ready to copy.
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field.matches("input[data-select-on-focus]")) field.select();
  });
})();

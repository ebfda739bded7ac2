// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";

  function updateCounter(input) {
    var counter = document.querySelector('[data-counter-for="' + input.id + '"]');
    var max = parseInt(input.getAttribute("data-maxlength"), 10);
    if (!counter || !max) return;
    var used = input.value.length;
    var lang = document.documentElement.lang;
    counter.textContent = lang === "en"
      ? used + " of " + max + " characters"
      : used + " av " + max + " tecken";
    counter.classList.toggle("over", used > max);
  }

  document.addEventListener("input", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-maxlength")) {
      updateCounter(event.target);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
})();

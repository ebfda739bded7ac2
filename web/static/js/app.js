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

// Application editor: quote the passage selected in the section text into a new comment.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-quote-from]");
    if (!form) return;
    var source = document.getElementById(form.getAttribute("data-quote-from"));
    var quote = form.querySelector("textarea[name=quote]");
    if (!source || !quote) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary";
    button.textContent = form.getAttribute("data-quote-label");
    button.addEventListener("click", function () {
      var picked = source.value.substring(source.selectionStart, source.selectionEnd).trim();
      if (picked) {
        quote.value = picked.slice(0, 1000);
        quote.focus();
      }
    });
    quote.parentNode.appendChild(button);
  });
})();

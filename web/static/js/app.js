// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";

  function updateCounter(input) {
    var counter = document.querySelector('[data-counter-for="' + input.id + '"]');
    var max = parseInt(input.getAttribute("data-maxlength"), 10);
    if (!counter || !max) return;
    var used = input.value.length;
    var lang = document.documentElement.lang;
    var text = lang === "en"
      ? used + " of " + max + " characters"
      : used + " av " + max + " tecken";
    if (used > max) {
      // Nothing is cut: the whole text stays in the box, and the server keeps it if sent.
      text += lang === "en"
        ? " – " + (used - max) + " too many; shorten the text before it can be saved"
        : " – " + (used - max) + " för många; korta texten innan den kan sparas";
    }
    counter.textContent = text;
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

// Forms marked data-warn-unsaved: the browser asks before leaving with changes not yet saved.
(function () {
  "use strict";

  var dirty = false;
  document.addEventListener("input", function (event) {
    if (event.target.form && event.target.form.hasAttribute("data-warn-unsaved")) dirty = true;
  });
  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute("data-warn-unsaved")) dirty = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return undefined;
    event.preventDefault();
    event.returnValue = "";
    return "";
  });
})();

// Date fields are typed as ÅÅÅÅ-MM-DD in both languages; a button next to each opens the
// browser's calendar and writes the picked day back in that form.
(function () {
  "use strict";

  var ISO = /^\d{4}-\d{2}-\d{2}$/;

  document.addEventListener("DOMContentLoaded", function () {
    var english = document.documentElement.lang === "en";
    var inputs = document.querySelectorAll("input[data-date-picker]");
    Array.prototype.forEach.call(inputs, function (input) {
      var picker = document.createElement("input");
      picker.type = "date";
      picker.tabIndex = -1;
      picker.className = "date-picker-proxy";
      // Out of sight and out of the layout (a form's input width rules would widen it).
      picker.style.cssText = "position:absolute;width:1px;min-width:0;height:1px;" +
        "opacity:0;pointer-events:none;border:0;padding:0;margin:0;overflow:hidden;";
      picker.setAttribute("aria-hidden", "true");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link-button date-picker-button";
      button.textContent = english ? "Pick in the calendar" : "Välj i kalendern";
      button.setAttribute("aria-label", button.textContent + ": " + (input.labels && input.labels[0]
        ? input.labels[0].textContent.trim() : input.name));
      button.addEventListener("click", function () {
        if (ISO.test(input.value.trim())) picker.value = input.value.trim();
        if (typeof picker.showPicker === "function") {
          try { picker.showPicker(); return; } catch (e) { /* fall through */ }
        }
        picker.focus();
      });
      picker.addEventListener("change", function () {
        if (!picker.value) return;
        input.value = picker.value;  // always ÅÅÅÅ-MM-DD, whatever the browser shows
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.focus();
      });
      input.insertAdjacentElement("afterend", button);
      button.insertAdjacentElement("afterend", picker);
    });
  });
})();

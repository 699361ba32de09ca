// Coding by selection: turns the words selected in one passage into character offsets of the
// source (Unicode code points, as the server counts them) and shows the "code the selected
// words" form. Without this script, every passage still has its own "Code this passage" form.
(function () {
  "use strict";
  var form = document.getElementById("selection-form");
  if (!form) { return; }
  var startInput = form.querySelector("input[name='sel-start']");
  var endInput = form.querySelector("input[name='sel-end']");
  var preview = document.getElementById("selection-preview");
  var submit = document.getElementById("selection-submit");
  form.hidden = false;

  function codePoints(text) { return Array.from(text).length; }

  function passageOf(node) {
    var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest(".segment__text") : null;
  }

  function offsetWithin(passage, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(passage);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  }

  function clear(message) {
    startInput.value = "";
    endInput.value = "";
    submit.disabled = true;
    preview.textContent = message;
  }

  document.addEventListener("selectionchange", function () {
    var selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return; }
    var range = selection.getRangeAt(0);
    var passage = passageOf(range.startContainer);
    if (!passage) { return; }
    if (passage !== passageOf(range.endContainer)) {
      clear("Select words within one passage.");
      return;
    }
    var base = parseInt(passage.dataset.start, 10);
    var start = base + offsetWithin(passage, range.startContainer, range.startOffset);
    var end = base + offsetWithin(passage, range.endContainer, range.endOffset);
    if (end <= start) { return; }
    startInput.value = String(start);
    endInput.value = String(end);
    submit.disabled = false;
    preview.textContent = "Selected: “" + range.toString() + "”";
  });
})();

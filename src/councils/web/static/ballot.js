/* The ballot, improved: reorder the candidates by dragging or with Up/Down buttons, and the
   numbers follow. Without this script the form is the same numbered boxes, posted as typed.

   The rule: the ranked candidates (those with a number) stand first, in the order of their
   numbers; a candidate you move becomes ranked, and the ranked ones are numbered 1, 2, 3… in
   the order they stand. Typing a number changes nothing else (so the list never jumps under
   the keyboard); the server checks the numbers when the form is sent. */
(function () {
  "use strict";
  var list = document.getElementById("choices");
  var status = document.getElementById("ballot-status");
  if (!list || !list.querySelectorAll) { return; }
  var help = document.getElementById("drag-help");
  if (help) { help.hidden = false; }

  function items() { return Array.prototype.slice.call(list.querySelectorAll("li.choice")); }
  function box(li) { return li.querySelector("input.rank"); }
  function nameOf(li) {
    var label = li.querySelector("label");
    var id = label.querySelector(".id");
    var text = label.textContent;
    return id ? text.replace(id.textContent, "").replace(/\s*\(.*\)\s*$/, "").trim() : text.trim();
  }
  function number(li) {
    var v = box(li).value.trim();
    return /^[0-9]+$/.test(v) ? parseInt(v, 10) : null;
  }
  function say(text) { if (status) { status.textContent = text; } }

  /* Put the ranked first (in their current order), renumber them, and the unranked after. */
  function renumber(moved) {
    var all = items();
    var ranked = all.filter(function (li) { return li === moved || number(li) !== null || box(li).value.trim() !== ""; });
    var rest = all.filter(function (li) { return ranked.indexOf(li) < 0; });
    ranked.concat(rest).forEach(function (li) { list.appendChild(li); });
    ranked.forEach(function (li, i) { box(li).value = String(i + 1); box(li).removeAttribute("aria-invalid"); });
    if (moved) {
      say(nameOf(moved) + " is now choice " + (ranked.indexOf(moved) + 1) + " of " + ranked.length + ".");
    }
  }

  /* Order the list by the numbers typed, once, as the page opens (a returned form). */
  function sortByNumbers() {
    var all = items();
    var keyed = all.map(function (li, i) { return { li: li, n: number(li), i: i }; });
    keyed.sort(function (a, b) {
      if (a.n === null && b.n === null) { return a.i - b.i; }
      if (a.n === null) { return 1; }
      if (b.n === null) { return -1; }
      return a.n - b.n || a.i - b.i;
    });
    keyed.forEach(function (k) { list.appendChild(k.li); });
  }

  function move(li, step, button) {
    var all = items();
    var at = all.indexOf(li);
    var to = at + step;
    if (to < 0 || to >= all.length) { say(nameOf(li) + " cannot move further."); return; }
    if (step < 0) { list.insertBefore(li, all[to]); } else { list.insertBefore(all[to], li); }
    renumber(li);
    if (button) { button.focus(); }
  }

  function makeButton(text, label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "move";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.addEventListener("click", onClick);
    return b;
  }

  items().forEach(function (li) {
    var name = nameOf(li);
    var controls = document.createElement("span");
    controls.className = "moves";
    var up = makeButton("↑ Up", "Move " + name + " up", function () { move(li, -1, up); });
    var down = makeButton("↓ Down", "Move " + name + " down", function () { move(li, 1, down); });
    controls.appendChild(up);
    controls.appendChild(down);
    li.appendChild(controls);
    li.draggable = true;
    li.classList.add("draggable");
  });
  sortByNumbers();

  /* Dragging (mouse and touch-capable pointers that emit drag events). */
  var dragged = null;
  list.addEventListener("dragstart", function (ev) {
    var li = ev.target.closest ? ev.target.closest("li.choice") : null;
    if (!li) { return; }
    dragged = li;
    li.classList.add("dragging");
    if (ev.dataTransfer) {
      ev.dataTransfer.effectAllowed = "move";
      ev.dataTransfer.setData("text/plain", li.getAttribute("data-candidate"));
    }
  });
  list.addEventListener("dragover", function (ev) {
    if (!dragged) { return; }
    ev.preventDefault();
    var over = ev.target.closest ? ev.target.closest("li.choice") : null;
    if (!over || over === dragged) { return; }
    var box = over.getBoundingClientRect();
    var after = ev.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener("drop", function (ev) {
    if (!dragged) { return; }
    ev.preventDefault();
    var li = dragged;
    dragged = null;
    li.classList.remove("dragging");
    renumber(li);
  });
  list.addEventListener("dragend", function () {
    if (dragged) {
      var li = dragged;
      dragged = null;
      li.classList.remove("dragging");
      renumber(li);
    }
  });
})();

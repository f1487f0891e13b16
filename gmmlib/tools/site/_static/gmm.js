/* The reading edition: small behaviours added to sphinx-book-theme (no network). */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  // Cards on a phone: each cell of a .gmm-table carries its column's name.
  function labelTables() {
    document.querySelectorAll(".gmm-table table").forEach(function (table) {
      var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (td, i) {
          if (names[i]) td.setAttribute("data-label", names[i]);
        });
      });
    });
  }
  // A tap on a figure opens the image itself, full size (the browser zooms it).
  function zoomFigures() {
    document.querySelectorAll(".cell_output img, .gmm-figures img").forEach(function (img) {
      if (img.closest("a")) return;
      var link = document.createElement("a");
      link.href = img.getAttribute("src");
      link.className = "gmm-zoom";
      link.title = "Open the figure full size";
      img.parentNode.insertBefore(link, img);
      link.appendChild(img);
    });
  }
  // Boxes that scroll sideways get a hint in words under them (the shadow is CSS).
  var BOXES = "div.math, mjx-container[display='true'], .cell_output .output pre, div.highlight pre, " +
              ".pst-scrollable-table-container, .cell_output .output.text_html, mjx-container.gmm-wide-inline";
  function markScrollers() {
    // an inline formula wider than its line cannot wrap: it becomes a box that scrolls
    document.querySelectorAll("mjx-container:not([display='true'])").forEach(function (math) {
      var block = math.parentElement;
      while (block && getComputedStyle(block).display.indexOf("inline") === 0) block = block.parentElement;
      if (block && math.getBoundingClientRect().width > block.clientWidth) math.classList.add("gmm-wide-inline");
    });
    document.querySelectorAll(BOXES).forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("gmm-scrolls", scrolls);
      var hint = box.nextElementSibling;
      var has = hint && hint.classList && hint.classList.contains("gmm-scroll-hint");
      if (scrolls && !has) {
        hint = document.createElement("span");
        hint.className = "gmm-scroll-hint";
        hint.setAttribute("aria-hidden", "true");
        hint.textContent = "scroll sideways \u2194";
        box.parentNode.insertBefore(hint, box.nextSibling);
      } else if (!scrolls && has) {
        hint.remove();
      }
    });
  }
  var pending = null;
  function later() { clearTimeout(pending); pending = setTimeout(markScrollers, 150); }
  // MathJax (deferred, loaded before this file) has typeset the page: show the formulas.
  function whenTypeset(fn) {
    var done = function (state) {
      document.documentElement.classList.add("gmm-math-ready");
      window.gmmMathDone = state;
      fn();
    };
    if (!document.querySelector("script[src*='mathjax/tex-chtml']")) { done("no maths"); return; }
    if (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) { done("no MathJax"); return; }
    MathJax.startup.promise.then(function () { done(true); },
                                 function (error) { done("error: " + error); });
  }
  ready(function () {
    labelTables();
    zoomFigures();
    markScrollers();
    window.addEventListener("resize", later);
    whenTypeset(markScrollers);
  });
})();

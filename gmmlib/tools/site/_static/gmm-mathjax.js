/* MathJax 3 configuration of the reading edition (loaded before MathJax).
   - Formulas are hidden (visibility, so nothing moves) until MathJax has typeset the
     page: no flash of raw TeX. A backstop shows them after 10 s whatever happens.
   - Everything MathJax needs is in _static/mathjax (tex-chtml-full: all TeX
     extensions in one file); the context menu's optional modules are not loaded. */
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
    tags: "ams"
  },
  options: {
    processHtmlClass: "math|output_latex|tex2jax_process",
    ignoreHtmlClass: "tex2jax_ignore|highlight|literal-block",
    menuOptions: {settings: {assistiveMml: true, explorer: false, collapsible: false}}
  },
  chtml: {displayOverflow: "scroll", matchFontHeight: true},
  startup: {
    pageReady: function () {
      return MathJax.startup.defaultPageReady().then(function () {
        document.documentElement.classList.add("gmm-math-ready");
        window.gmmMathDone = true;
      }, function (error) {
        document.documentElement.classList.add("gmm-math-ready");
        window.gmmMathDone = "error: " + error;
      });
    }
  }
};
document.documentElement.classList.add("gmm-math-pending");
setTimeout(function () { document.documentElement.classList.add("gmm-math-ready"); }, 10000);

/* No flash of raw TeX: formulas stay hidden (visibility, so nothing moves) until MathJax
   has typeset the page; gmm.js waits for MathJax.startup.promise and shows them. Pages
   without maths do not load MathJax (Sphinx adds it only where there is maths). A
   backstop shows the formulas after 10 s whatever happens. */
document.documentElement.classList.add("gmm-math-pending");
setTimeout(function () { document.documentElement.classList.add("gmm-math-ready"); }, 10000);

/* Search excerpts from the disk. Sphinx's search shows, under each result, an excerpt
   that it fetches from the result's page; Chromium refuses such fetches from file://
   pages. On the search page opened from the disk, this answers them from
   gmm-search-pages.js (the main text of every page, written by `python -m gmmlib html`).
   Over http(s) it does nothing. */
(function () {
  "use strict";
  if (location.protocol !== "file:" || !/(^|\/)search\.html$/.test(location.pathname)) return;
  var here = document.currentScript ? document.currentScript.src : "";
  var loaded = new Promise(function (resolve) {
    var script = document.createElement("script");
    script.src = here.replace(/gmm-search\.js(\?.*)?$/, "gmm-search-pages.js");
    script.onload = resolve;
    script.onerror = resolve;
    document.head.appendChild(script);
  });
  var realFetch = window.fetch;
  window.fetch = function (url, options) {
    var name = String(url).split("#")[0].split("?")[0].split("/").pop();
    return loaded.then(function () {
      var pages = window.GMM_SEARCH_PAGES || {};
      if (Object.prototype.hasOwnProperty.call(pages, name)) {
        return new Response(pages[name], {status: 200, headers: {"Content-Type": "text/html"}});
      }
      return realFetch.call(window, url, options);
    });
  };
})();

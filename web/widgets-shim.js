/*
 * Let the ipywidgets HTML manager (embed-amd.js) run from the book's own
 * folder, with no CDN.  Loaded after require.js and before embed-amd.js on
 * every page that has saved widget state (see nb_ipywidgets_js in _config.yml).
 *
 * 1. embed-amd.js defines the AMD modules "@jupyter-widgets/base",
 *    "@jupyter-widgets/controls", ... and derives the folder of its fonts and
 *    icons from the URL require.js assigns to those module names.  Map those
 *    names to this vendored folder, so the fonts are fetched from
 *    _vendor/html-manager/ whatever the page's depth.
 * 2. The manager typesets widget labels through the MathJax 2 API
 *    (MathJax.Hub.Queue(["Typeset", MathJax.Hub, element])).  The book loads
 *    MathJax 3, so provide that one call on top of MathJax 3's typesetPromise.
 */
(function () {
  "use strict";
  var vendor = new URL(".", document.currentScript.src).href;

  window.require.config({
    paths: {
      "@jupyter-widgets": vendor + "html-manager",
      // embed-amd.js also defines "@jupyter-widgets/html-manager/dist/libembed-amd":
      // map its folder to the same place, where the fonts are.
      "@jupyter-widgets/html-manager/dist": vendor + "html-manager"
    }
  });

  function typesetWhenReady(element) {
    var mathjax = window.MathJax;
    var ready = mathjax.startup && mathjax.startup.promise
      ? mathjax.startup.promise
      : Promise.resolve();
    return ready.then(function () {
      return mathjax.typesetPromise(element ? [element] : undefined);
    });
  }

  function installMathJax2Queue() {
    var mathjax = window.MathJax;
    if (mathjax === undefined || mathjax.Hub !== undefined) {
      return;
    }
    mathjax.Hub = {
      Queue: function () {
        Array.prototype.forEach.call(arguments, function (command) {
          if (Array.isArray(command) && command[0] === "Typeset") {
            typesetWhenReady(command[2]);
          }
        });
      }
    };
  }

  // MathJax 3 is loaded with "defer": by DOMContentLoaded it has replaced its
  // configuration object with the real MathJax object, and this listener runs
  // before embed-amd.js renders the widgets.
  document.addEventListener("DOMContentLoaded", installMathJax2Queue);
})();

// The book's own scripts (loaded by Jupyter Book from _static/).
document.addEventListener("DOMContentLoaded", () => {
  // Every figure opens full size on its own (click to enlarge), which phones need.
  document.querySelectorAll('.bd-article img[src$=".svg"], .bd-article img[src$=".png"]').forEach((img) => {
    if (img.closest("a")) return;
    const link = document.createElement("a");
    link.href = img.getAttribute("src");
    link.className = "figure-enlarge";
    link.title = "Open the figure full size";
    img.parentNode.insertBefore(link, img);
    link.appendChild(img);
  });
});

// Accessible names and the reference list's roles are written into the pages at build time
// (intake_alliance.book.sphinx.page_fixes), so that they never depend on when a script runs.

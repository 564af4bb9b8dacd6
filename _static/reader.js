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
  // A table wider than its box scrolls inside it: the box then takes keyboard focus (arrow keys scroll it) and
  // is named for screen readers; a table that fits gets no extra tab stop. Checked again when the width changes.
  const boxes = document.querySelectorAll(".bd-article .output.text_html, .bd-article .pst-scrollable-table-container");
  const mark = () => boxes.forEach((box) => {
    const table = box.querySelector(":scope > table");
    if (!table) return;
    if (box.scrollWidth > box.clientWidth + 1) {
      const first = table.querySelector("th, td");
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", `Table${first ? ` "${first.innerText.trim().slice(0, 40)}"` : ""}, scrolls sideways`);
    } else if (box.getAttribute("role") === "region") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  });
  mark();
  window.addEventListener("resize", mark);
});

// Accessible names and the reference list's roles are written into the pages at build time
// (intake_alliance.book.sphinx.page_fixes), so that they never depend on when a script runs.

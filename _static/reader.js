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

// Accessible names that contain the visible label (WCAG 2.5.3, axe label-content-name-mismatch):
// the theme's search field shows "Search" and a keyboard shortcut, the colour-mode button names its
// modes in icon titles, and a collapsed code cell says "Show code cell source" under the aria-label
// "Toggle hidden content"; the name must include what is shown.
function nameWhatIsShown() {
  // a toggle's visible text changes as it opens and closes: let the text itself be its name
  document.querySelectorAll("summary[aria-label]").forEach((summary) => {
    if ((summary.innerText || "").trim()) summary.removeAttribute("aria-label");
  });
  document.querySelectorAll("button[aria-label]").forEach((button) => {
    const shown = (button.innerText || "").replace(/\s+/g, " ").trim();
    const label = button.getAttribute("aria-label");
    if (shown && !label.toLowerCase().includes(shown.toLowerCase())) {
      button.setAttribute("aria-label", shown);
    }
    if (!shown && button.classList.contains("theme-switch-button")) {
      button.querySelectorAll("i[title]").forEach((icon) => icon.setAttribute("aria-hidden", "true"));
      button.querySelectorAll("i[title]").forEach((icon) => icon.removeAttribute("title"));
    }
  });
  // a list of references holds list items (the deprecated doc-biblioentry role is not one)
  document.querySelectorAll('.citation-list[role="list"] > [role="doc-biblioentry"]').forEach((entry) => {
    entry.setAttribute("role", "listitem");
  });
}
document.addEventListener("DOMContentLoaded", () => {
  nameWhatIsShown();
  // the theme's scripts add and relabel buttons after load (tooltips, toggles): keep the names right
  new MutationObserver(nameWhatIsShown).observe(document.body, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["aria-label"],
  });
});
window.addEventListener("load", nameWhatIsShown);

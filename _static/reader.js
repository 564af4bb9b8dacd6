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
      const heading = box.closest("section") && box.closest("section").querySelector("h1, h2, h3, h4");
      const where = heading ? ` under "${heading.innerText.replace(/#$/, "").trim().slice(0, 60)}"` : "";
      box.setAttribute("aria-label", `Table${first ? ` "${first.innerText.trim().slice(0, 40)}"` : ""}${where}, scrolls sideways`);
    } else if (box.getAttribute("role") === "region") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  });
  mark();
  window.addEventListener("resize", mark);

  // A number's card (book/sphinx/provenance.py) opens on hover, focus and tap by CSS alone. Here it is placed
  // against the window (no box of the page can clip it), touching the number so that the pointer can move into
  // it, below it or above when there is no room below, never past either side. One card is open at a time; a
  // card opened by a click closes when the pointer leaves, a second tap closes it, Escape closes it. Its links
  // are reached with Enter (Tab goes from number to number).
  const place = (wrap) => {
    const card = wrap.querySelector(".num-prov-card");
    const number = wrap.querySelector(".num-prov-value").getBoundingClientRect();
    const width = document.documentElement.clientWidth, height = window.innerHeight;
    card.classList.add("num-prov-placed");
    const box = card.getBoundingClientRect();
    const left = Math.max(8, Math.min(number.left, width - box.width - 8));
    const below = number.bottom - 1, above = number.top - box.height + 1;
    card.style.left = `${left}px`;
    card.style.top = `${below + box.height <= height - 8 || above < 8 ? below : above}px`;
  };
  const close = (wrap) => {
    wrap.classList.add("num-prov-closed");
    if (wrap.contains(document.activeElement)) document.activeElement.blur();
  };
  const openCards = () => document.querySelectorAll(".num-prov:hover, .num-prov:focus-within");
  window.addEventListener("scroll", () => openCards().forEach((wrap) => {
    const number = wrap.querySelector(".num-prov-value").getBoundingClientRect();
    if (number.bottom < 0 || number.top > window.innerHeight) close(wrap); else place(wrap);
  }), { passive: true });
  window.addEventListener("resize", () => openCards().forEach(place));
  document.querySelectorAll(".num-prov").forEach((wrap) => {
    const value = wrap.querySelector(".num-prov-value");
    const links = wrap.querySelectorAll(".num-prov-card a");
    links.forEach((a) => { a.tabIndex = -1; });
    let wasOpen = false, byMouse = false;
    const open = () => { if (!wrap.classList.contains("num-prov-closed")) place(wrap); };
    wrap.addEventListener("mouseenter", () => {
      const other = document.activeElement && document.activeElement.closest(".num-prov");
      if (other && other !== wrap) close(other);
      open();
    });
    wrap.addEventListener("focusin", open);
    wrap.addEventListener("mouseleave", () => {
      if (byMouse) close(wrap);
      byMouse = false;
      wrap.classList.remove("num-prov-closed");
    });
    wrap.addEventListener("focusout", (event) => {
      if (wrap.contains(event.relatedTarget)) return;
      // a phone keeps a tapped number "hovered": a card closed there stays closed until the next tap
      if (!wrap.matches(":hover")) wrap.classList.remove("num-prov-closed");
      links.forEach((a) => { a.tabIndex = -1; });
    });
    value.addEventListener("pointerdown", (event) => {
      wasOpen = wrap.matches(":focus-within") && !wrap.classList.contains("num-prov-closed");
      byMouse = event.pointerType === "mouse";
      if (!wasOpen) wrap.classList.remove("num-prov-closed");
    });
    value.addEventListener("click", () => { if (wasOpen) close(wrap); wasOpen = false; });
    value.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || !links.length) return;
      event.preventDefault();
      wrap.classList.remove("num-prov-closed");
      links.forEach((a) => { a.tabIndex = 0; });
      place(wrap);
      links[0].focus();
    });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const wrap = document.activeElement && document.activeElement.closest(".num-prov");
    document.querySelectorAll(".num-prov:hover").forEach((w) => w.classList.add("num-prov-closed"));
    if (wrap) {  // focus back on the number first: a link that stops being tabbable while focused loses focus
      wrap.querySelector(".num-prov-value").focus();
      wrap.querySelectorAll(".num-prov-card a").forEach((a) => { a.tabIndex = -1; });
      wrap.classList.add("num-prov-closed");
    }
  });

  // The Numbers appendix: narrow a list by section, status or kind.
  document.querySelectorAll("form.numbers-filter").forEach((form) => {
    let table = form.nextElementSibling;
    while (table && !table.querySelector("table")) table = table.nextElementSibling;
    if (!table) return;
    const rows = table.querySelectorAll("tbody tr");
    const selects = form.querySelectorAll("select");
    const said = form.querySelector("output");
    const apply = () => {
      let shown = 0;
      rows.forEach((row) => {
        // a section takes its subsections with it ("Results" keeps "Results: Trust")
        row.hidden = [...selects].some((s) => s.value && !row.cells[+s.dataset.column].innerText.trim().startsWith(s.value));
        if (!row.hidden) shown += 1;
      });
      said.textContent = shown === rows.length ? `All ${rows.length} rows shown.`
        : shown ? `${shown} of ${rows.length} rows shown.` : `No row matches; choose "all" to see every row.`;
    };
    selects.forEach((s) => s.addEventListener("change", apply));
    form.addEventListener("submit", (event) => event.preventDefault());
    form.hidden = false;
  });
});

// Accessible names and the reference list's roles are written into the pages at build time
// (intake_alliance.book.sphinx.page_fixes), so that they never depend on when a script runs.

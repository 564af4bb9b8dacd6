/* PDF edition (make pdf): runs in the single page that headless Chromium prints; added to that build only
   (intake_alliance.book.sphinx.pdf_edition). Paper cannot follow a link, so:
   - the contents list every part, chapter and section with the page it starts on;
   - each cross-reference in the text prints the page of its target, "(p. 12)";
   - links that work only inside a built site become text, and a download link names its file.
   The page numbers come from the previous print (intake_alliance.book.pdf prints until they stop changing);
   on the first print every number is a two-digit placeholder, so that the layout hardly moves. */
(() => {
  const config = JSON.parse(document.getElementById("pdf-edition-data").textContent);
  const pages = config.pages || {};
  const pageOf = (id) => (id in pages ? String(pages[id]) : "00");
  if (config.site) {
    for (const place of document.querySelectorAll(".book-site-address")) place.textContent = config.site;
  }

  // Links that would point into the build folder of the machine that printed the PDF become text.
  for (const a of document.querySelectorAll("a[href]")) {
    const href = a.getAttribute("href");
    if (/^(#|https?:|mailto:)/.test(href)) continue;
    a.removeAttribute("href");
    const file = href.match(/(?:^|\/)downloads\/([^/?#]+)$/);
    if (file && !a.textContent.includes(file[1])) {
      a.insertAdjacentText("afterend", ` (${file[1]} in the site's downloads folder)`);
    }
  }

  const article = document.querySelector("article.bd-article") || document.body;
  // Folded text prints unfolded (a closed fold would print as an empty frame); folded code stays out.
  for (const fold of article.querySelectorAll("details:not(.above-input)")) fold.open = true;
  let anchors = 0;
  const anchor = (heading) => {  // a fresh id on the heading itself: section ids repeat across chapters
    if (!heading.id) heading.id = `pdf-anchor-${++anchors}`;
    return heading.id;
  };
  const headingText = (heading) => {
    const copy = heading.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach((e) => e.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  };

  // Cross-references print the page of their target (inside the link, so that the number links too).
  const skip = "h1, h2, h3, h4, h5, h6, .admonition-title, .pdf-contents, .toctree-wrapper > ul, nav";
  for (const a of article.querySelectorAll("a.reference.internal[href^='#']")) {
    if (a.closest(skip)) continue;
    let id = decodeURIComponent(a.getAttribute("href").slice(1));
    const target = document.getElementById(id);
    if (!target || target.closest(".citation, [role='doc-biblioentry'], .footnote, .bibliography")) continue;
    // a chapter's marker stands before its page break: the chapter starts at its title
    const title = id.startsWith("document-") && target.nextElementSibling &&
      target.nextElementSibling.querySelector(":scope > h1, :scope > h2, :scope > h3");
    if (title) id = anchor(title);
    const ref = document.createElement("span");
    ref.className = "pdf-pageref";
    ref.dataset.target = id;
    ref.textContent = `\u00a0(p.\u00a0${pageOf(id)})`;
    a.append(ref);
  }

  // The contents: parts, chapters and their sections, each with its page.
  const list = document.querySelector(".pdf-contents ol");
  const entry = (level, text, id) => {
    const li = document.createElement("li");
    li.className = `pdf-contents-${level}`;
    const link = document.createElement("a");
    link.href = `#${id}`;
    link.className = "pdf-contents-link";
    link.dataset.target = id;
    const title = document.createElement("span");
    title.className = "pdf-contents-title";
    title.textContent = text;
    const page = document.createElement("span");
    page.className = "pdf-contents-page";
    page.textContent = pageOf(id);
    link.append(title, page);
    li.append(link);
    list.append(li);
  };
  if (list) {
    // the introduction's own title repeats the book's, which the title page carries: the print hides it
    const intro = article.querySelector("section:has(> h1)");
    if (intro && intro.id) entry("chapter", "Introduction", intro.id);
    for (const wrapper of article.querySelectorAll(".toctree-wrapper")) {
      const part = wrapper.querySelector(":scope > h2.pdf-part-title");
      if (part) entry("part", part.textContent.trim(), anchor(part));
      for (const start of wrapper.querySelectorAll(":scope > span[id^='document-']")) {
        const chapter = start.nextElementSibling;
        const heading = chapter && chapter.querySelector(":scope > h1, :scope > h2, :scope > h3");
        if (!heading) continue;
        entry("chapter", headingText(heading), anchor(heading));
        for (const section of chapter.querySelectorAll(":scope > section")) {
          const sub = section.querySelector(":scope > h2, :scope > h3, :scope > h4");
          if (sub) entry("section", headingText(sub), anchor(sub));
        }
      }
    }
  }
  document.documentElement.dataset.pdfEditionReady = "1";
})();

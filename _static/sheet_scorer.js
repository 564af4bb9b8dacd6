// Score a coding sheet in the browser (coding lab, notebooks/07_coding_lab).
//
// Plain JavaScript with no library and no network request: the sheet is read by the browser with
// FileReader and never leaves the page. It follows intake_alliance.study.teaching (read_sheet and
// score_sheet) rule for rule, and tests/test_sheet_scorer.py checks that both give the same numbers and
// the same error messages:
//   * the separator is read from the header row (comma, semicolon or tab); UTF-8 with or without a
//     byte-order mark, UTF-16 with one, else Windows-1252; LF or CRLF line endings; blank lines skipped;
//   * column names and cells are trimmed, column names compared in lower case;
//   * theme names match a key or a printed label, ignoring case; an unknown one is refused with the
//     nearest valid name (the same similarity ratio and cut-off, 0.6, as Python's difflib);
//   * against the key, either theme of an ambiguous vignette counts as agreement;
//   * Cohen's kappa on the 8 x 8 table of all themes, with the large-sample standard error of Fleiss,
//     Cohen and Everitt (1969) as statsmodels computes it and the Wald 95% interval clipped to [-1, 1].
// The page's data (themes, answer key) are written into the page by the book build from data/teaching.
(function () {
  "use strict";

  const SHEET_COLUMNS = ["vignette_id", "theme", "coder", "note"];
  const REQUIRED = ["vignette_id", "theme"];
  const SEPARATORS = [[",", "comma"], [";", "semicolon"], ["\t", "tab"]];
  const Z_975 = 1.959963984540054; // scipy.stats.norm.ppf(0.975)

  class SheetError extends Error {}

  // ---------------------------------------------------------------- text, as Python prints it
  // Characters Python's repr escapes (str.isprintable is false: other and separator categories but the space).
  const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
  function pyRepr(s) {
    const q = s.includes("'") && !s.includes('"') ? '"' : "'";
    let out = "";
    for (const ch of s) {
      if (ch === "\\") out += "\\\\";
      else if (ch === q) out += "\\" + q;
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else if (ch !== " " && NOT_PRINTABLE.test(ch)) {
        const code = ch.codePointAt(0);
        out += code < 0x100 ? "\\x" + code.toString(16).padStart(2, "0")
          : code < 0x10000 ? "\\u" + code.toString(16).padStart(4, "0") : "\\U" + code.toString(16).padStart(8, "0");
      } else out += ch;
    }
    return q + out + q;
  }
  const pyList = (items) => "[" + items.map(pyRepr).join(", ") + "]";

  // ---------------------------------------------------------------- decoding and splitting
  // Python's str.strip() removes exactly these characters (str.isspace); JavaScript's trim() differs
  // (it keeps U+001C..U+001F and U+0085 and removes U+FEFF), so the page strips as Python does.
  const PY_SPACE = new Set(Array.from(" \t\n\r\u000b\u000c\u001c\u001d\u001e\u001f\u0085\u00a0\u1680"
    + "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"));
  function pyStrip(s) {
    let a = 0, b = s.length;
    while (a < b && PY_SPACE.has(s[a])) a += 1;
    while (b > a && PY_SPACE.has(s[b - 1])) b -= 1;
    return s.slice(a, b);
  }

  // Bytes that Windows-1252 leaves undefined: Python's cp1252 codec refuses them, the browser's does not.
  const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

  function tooLarge(source, size, data) {
    const fmt = (n) => n.toLocaleString("en-US");
    return new SheetError(`${source}: ${fmt(size)} bytes is too large for a coding sheet (at most `
      + `${fmt(data.max_bytes)} bytes; a sheet of a few dozen vignettes is a few kilobytes)`);
  }

  function decode(bytes, source) {
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
      const le = bytes[0] === 0xff;
      try {
        return new TextDecoder(le ? "utf-16le" : "utf-16be", { fatal: true }).decode(bytes.subarray(2));
      } catch (e) {
        throw new SheetError(`${source}: starts like UTF-16 text but cannot be decoded as such`);
      }
    }
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch (e) {
      const bad = bytes.findIndex((b) => CP1252_UNDEFINED.has(b));
      if (bad >= 0) {
        throw new SheetError(`${source}: not a text file in UTF-8 or Windows-1252 encoding (byte ${bad}); `
          + "save the sheet as CSV");
      }
      return new TextDecoder("windows-1252").decode(bytes);
    }
  }

  // One CSV record per non-blank line (quoted fields may hold separators, quotes as "" and line breaks).
  function splitRecords(text, sep) {
    const records = [];
    let field = "", row = [], quoted = false, i = 0, fieldStarted = false;
    const endRow = () => {
      row.push(field);
      if (!(row.length === 1 && row[0] === "" && !fieldStarted)) records.push(row);
      row = []; field = ""; fieldStarted = false;
    };
    while (i < text.length) {
      const ch = text[i];
      if (quoted) {
        if (ch === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          quoted = false; i += 1; continue;
        }
        field += ch; i += 1; continue;
      }
      if (ch === '"') { quoted = true; fieldStarted = true; i += 1; continue; }
      if (ch === sep) { row.push(field); field = ""; fieldStarted = true; i += 1; continue; }
      if (ch === "\r" || ch === "\n") {
        endRow();
        i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
        continue;
      }
      field += ch; fieldStarted = true; i += 1;
    }
    if (field !== "" || row.length || fieldStarted) endRow();
    return records;
  }

  function sniffSeparator(text) {
    const first = text.split(/\r\n|\r|\n/)[0] || "";
    for (const [sep] of SEPARATORS) {
      const fields = (splitRecords(first, sep)[0] || []).map((f) => pyStrip(f).toLowerCase());
      if (fields.includes("vignette_id")) return sep;
    }
    return ",";
  }

  // ---------------------------------------------------------------- difflib's get_close_matches(n=1)
  function longestMatch(a, b2j, alo, ahi, blo, bhi) {
    let besti = alo, bestj = blo, bestsize = 0, j2len = new Map();
    for (let i = alo; i < ahi; i++) {
      const next = new Map();
      for (const j of b2j.get(a[i]) || []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) || 0) + 1;
        next.set(j, k);
        if (k > bestsize) { besti = i - k + 1; bestj = j - k + 1; bestsize = k; }
      }
      j2len = next;
    }
    return [besti, bestj, bestsize];
  }

  function similarity(x, word) {
    const a = Array.from(x), b = Array.from(word);
    const b2j = new Map();
    b.forEach((ch, j) => { if (!b2j.has(ch)) b2j.set(ch, []); b2j.get(ch).push(j); });
    let matches = 0;
    const queue = [[0, a.length, 0, b.length]];
    while (queue.length) {
      const [alo, ahi, blo, bhi] = queue.pop();
      const [i, j, k] = longestMatch(a, b2j, alo, ahi, blo, bhi);
      if (k) {
        matches += k;
        if (alo < i && blo < j) queue.push([alo, i, blo, j]);
        if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
      }
    }
    const total = a.length + b.length;
    return total ? (2 * matches) / total : 1;
  }

  // difflib.get_close_matches tries real_quick_ratio (lengths) and quick_ratio (shared characters), both upper
  // bounds of ratio, before the ratio itself; the same filters keep a huge cell from freezing the page.
  function quickRatio(x, word) {
    const a = Array.from(x), b = Array.from(word), avail = new Map();
    b.forEach((ch) => avail.set(ch, (avail.get(ch) || 0) + 1));
    let matches = 0;
    for (const ch of a) {
      const n = avail.get(ch) || 0;
      if (n > 0) { matches += 1; avail.set(ch, n - 1); }
    }
    const total = a.length + b.length;
    return total ? (2 * matches) / total : 1;
  }

  function closestName(word, candidates) {
    let best = null;
    const lw = Array.from(word).length;
    for (const x of candidates) {
      const lx = Array.from(x).length;
      if ((lx + lw ? (2 * Math.min(lx, lw)) / (lx + lw) : 1) < 0.6 || quickRatio(x, word) < 0.6) continue;
      const score = similarity(x, word);
      if (score < 0.6) continue;
      if (best === null || score > best[0] || (score === best[0] && x > best[1])) best = [score, x];
    }
    return best === null ? null : best[1];
  }

  // ---------------------------------------------------------------- reading a sheet
  function themeLookup(data) {
    const lookup = new Map();
    data.themes.forEach((t) => lookup.set(t.key.toLowerCase(), t.key));
    data.themes.forEach((t) => lookup.set(pyStrip(t.label).toLowerCase(), t.key));
    return lookup;
  }

  function canonicalTheme(theme, lookup, where, data) {
    const canon = lookup.get(theme.toLowerCase());
    if (canon !== undefined) return canon;
    let hint = "";
    if ([...";,/+&|"].some((c) => theme.includes(c))) {
      hint = " (give one theme per vignette)";
    } else {
      const close = closestName(theme.toLowerCase(), Array.from(lookup.keys()));
      if (close !== null) hint = ` (did you mean ${pyRepr(lookup.get(close))}?)`;
    }
    const names = data.themes.map((t) => t.key).join(", ");
    throw new SheetError(`${where}: unknown theme ${pyRepr(theme)}${hint}; the themes are ${names}`);
  }

  function readSheet(text, source, data) {
    if (!pyStrip(text)) {
      throw new SheetError(`${source}: the file is empty; a coding sheet has the header ${SHEET_COLUMNS.join(",")} `
        + "and one row per vignette");
    }
    const sep = sniffSeparator(text);
    const records = splitRecords(text, sep);
    const header = records[0].map((c) => pyStrip(c).toLowerCase());
    records.slice(1).forEach((r, i) => {
      if (r.length > header.length) {
        const name = SEPARATORS.find(([s]) => s === sep)[1];
        throw new SheetError(`${source}: line ${i + 2} has ${r.length} cells but the header has ${header.length}; `
          + `a note that contains a ${name} must be put in double quotes`);
      }
    });
    const missingCols = REQUIRED.filter((c) => !header.includes(c));
    if (missingCols.length) {
      throw new SheetError(`${source}: missing column(s) ${pyList(missingCols)}; a coding sheet needs ${pyList(SHEET_COLUMNS)}`);
    }
    const col = (r, name) => { const at = header.indexOf(name); return at < 0 ? "" : pyStrip(r[at] || ""); };
    const known = data.key.map((k) => k.vignette_id);
    const knownSet = new Set(known);
    const lookup = themeLookup(data);
    const seen = new Map();
    const rows = [];
    records.slice(1).forEach((r, i) => {
      if (SHEET_COLUMNS.every((name) => col(r, name) === "")) return; // a row a spreadsheet left empty (",,,")
      const where = `${source}: line ${i + 2}`;
      const vid = col(r, "vignette_id");
      if (vid === "") throw new SheetError(`${where}: vignette_id is empty`);
      if (!knownSet.has(vid)) throw new SheetError(`${where}: vignette ${pyRepr(vid)} is not in the answer key`);
      if (seen.has(vid)) {
        throw new SheetError(`${where} (vignette ${vid}): duplicate row; vignette ${vid} is already coded on line ${seen.get(vid) + 2}`);
      }
      seen.set(vid, i);
      const theme = col(r, "theme");
      if (theme === "") throw new SheetError(`${where} (vignette ${vid}): theme is empty; code every vignette with one theme`);
      rows.push({ vignette_id: vid, theme: canonicalTheme(theme, lookup, `${where} (vignette ${vid})`, data), coder: col(r, "coder") });
    });
    const missing = known.filter((v) => !seen.has(v));
    if (missing.length) {
      const shown = missing.slice(0, 10).join(", ") + (missing.length > 10 ? ", ..." : "");
      throw new SheetError(`${source}: ${missing.length} vignette(s) of the key are missing: ${shown}`);
    }
    const byId = new Map(rows.map((r) => [r.vignette_id, r]));
    const coders = Array.from(new Set(rows.map((r) => r.coder).filter((c) => c !== ""))).sort();
    const stem = source.replace(/^.*[\\/]/, "").replace(/\.[^.]*$/, "");
    return { source, coder: coders.length === 1 ? coders[0] : (stem || "coder"), rows: known.map((v) => byId.get(v)) };
  }

  // ---------------------------------------------------------------- scoring
  function cohenKappa(table) {
    const q = table.length;
    const n = table.flat().reduce((s, v) => s + v, 0);
    const p = table.map((row) => row.map((v) => v / n));
    const rowF = p.map((row) => row.reduce((s, v) => s + v, 0));
    const colF = p[0].map((_, j) => p.reduce((s, row) => s + row[j], 0));
    let agree = 0, pe = 0;
    for (let i = 0; i < q; i++) { agree += table[i][i]; pe += rowF[i] * colF[i]; }
    const kappa = (agree / n - pe) / (1 - pe);
    let termA = 0, termB = 0;
    for (let i = 0; i < q; i++) {
      termA += p[i][i] * (1 - (rowF[i] + colF[i]) * (1 - kappa)) ** 2;
      for (let j = 0; j < q; j++) if (i !== j) termB += p[i][j] * (colF[i] + rowF[j]) ** 2;
    }
    termB *= (1 - kappa) ** 2;
    const termC = (kappa - pe * (1 - kappa)) ** 2;
    const variance = (termA + termB - termC) / (1 - pe) ** 2 / n;
    let se = Math.sqrt(variance);
    if (Number.isNaN(se) && variance > -1e-12 && variance <= 0) se = 0;
    const clip = (v) => Math.min(1, Math.max(-1, v));
    const ok = Number.isFinite(kappa) && Number.isFinite(se);
    return { kappa, se, low: ok ? clip(kappa - Z_975 * se) : NaN, upp: ok ? clip(kappa + Z_975 * se) : NaN, pe };
  }

  function scoreSheet(sheet, against, data) {
    const labels = data.themes.map((t) => t.key);
    const keyById = new Map(data.key.map((k) => [k.vignette_id, k]));
    const otherById = against === "key" ? null : new Map(against.rows.map((r) => [r.vignette_id, r.theme]));
    const items = sheet.rows.map((r) => {
      let reference;
      if (otherById === null) {
        const k = keyById.get(r.vignette_id);
        const ok = r.theme === k.primary_theme || (k.secondary_theme !== "" && r.theme === k.secondary_theme);
        reference = ok ? r.theme : k.primary_theme;
      } else {
        reference = otherById.get(r.vignette_id);
      }
      return { vignette_id: r.vignette_id, coded: r.theme, reference, agree: r.theme === reference };
    });
    const at = new Map(labels.map((l, i) => [l, i]));
    const confusion = labels.map(() => labels.map(() => 0));
    items.forEach((it) => { confusion[at.get(it.reference)][at.get(it.coded)] += 1; });
    const kap = cohenKappa(confusion);
    if (Math.abs(kap.pe - 1) <= 1e-8 + 1e-5) { // numpy.isclose(pe, 1)
      throw new SheetError("sheet: kappa is undefined because both codings use one and the same theme throughout");
    }
    const n = items.length;
    const perTheme = labels.map((key, i) => {
      const nRef = confusion[i].reduce((s, v) => s + v, 0);
      const nCod = confusion.reduce((s, row) => s + row[i], 0);
      const nAgr = confusion[i][i];
      // Cohen's kappa of "this theme or another" (a 2 x 2 table), as score_sheet computes it
      const binary = [[nAgr, nRef - nAgr], [nCod - nAgr, n - nRef - nCod + nAgr]];
      const pe = ((nRef * nCod) + (n - nRef) * (n - nCod)) / (n * n);
      return {
        theme: key, label: data.themes[i].label, n_reference: nRef, n_coded: nCod, n_agree: nAgr,
        pct_of_reference: nRef > 0 ? (100 * nAgr) / nRef : NaN,
        specific_agreement: nRef + nCod > 0 ? (2 * nAgr) / (nRef + nCod) : NaN,
        kappa: Math.abs(pe - 1) <= 1e-12 ? NaN : cohenKappa(binary).kappa,
        prevalence: (nRef + nCod) / (2 * n),
      };
    });
    // the vignettes where the codes differ, in the themes' order of the reference code, then by vignette
    const disagreements = items.filter((it) => !it.agree)
      .map((it) => ({ vignette_id: it.vignette_id, reference: it.reference, coded: it.coded }))
      .sort((x, y) => (at.get(x.reference) - at.get(y.reference)) || byVignette(x, y));
    const nAgree = items.filter((it) => it.agree).length;
    return {
      coder: sheet.coder, reference: otherById === null ? "key" : against.coder, n: items.length,
      n_agree: nAgree, percent_agreement: (100 * nAgree) / items.length,
      kappa: kap.kappa, kappa_se: kap.se, kappa_low: kap.low, kappa_upp: kap.upp,
      items, per_theme: perTheme, confusion, labels, disagreements,
    };
  }

  // ---------------------------------------------------------------- showing the result
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    children.forEach((c) => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return node;
  }

  // A number as shown (minus sign, no "-0.000"); the full value stays in data-value for the tests.
  function fixed(value, digits) {
    const text = value.toFixed(digits);
    return (Number(text) === 0 ? text.replace("-", "") : text).replace("-", "\u2212");
  }

  function num(value, digits, suffix) {
    const shown = Number.isFinite(value) ? fixed(value, digits) + (suffix || "") : "\u2013";
    return el("td", { "data-value": Number.isFinite(value) ? String(value) : "" }, shown);
  }

  // Each table under its own caption, in a box that scrolls sideways on a narrow screen.
  function table(caption, head, rows, cls) {
    const t = el("table", { class: "reader-table scorer-table" + (cls ? " " + cls : "") });
    t.append(el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col" }, h)))));
    t.append(el("tbody", {}, ...rows));
    const box = el("div", { class: "scorer-table-wrap", tabindex: "0", role: "region", "aria-label": caption }, t);
    return el("div", {}, el("p", { class: "scorer-caption" }, caption), box);
  }

  function render(out, score, data) {
    // a coder is named in words where the book has words for it (the example sheets), else as the sheet says
    const who = (coder) => (data.coders && data.coders[coder]) || coder;
    const coder = who(score.coder);
    const reference = score.reference === "key" ? "the answer key" : `${who(score.reference)}'s sheet`;
    const summary = table(`${capitalise(coder)} compared with ${reference}`,
      ["Vignettes", "Agreed", "Agreement", "Cohen's kappa", "95% interval"],
      [el("tr", { "data-summary": "" },
        num(score.n, 0), num(score.n_agree, 0),
        Object.assign(num(score.percent_agreement, 1, "%"), { className: "score-percent" }),
        Object.assign(num(score.kappa, 3), { className: "score-kappa" }),
        el("td", { class: "score-interval", "data-low": String(score.kappa_low), "data-upp": String(score.kappa_upp) },
          Number.isFinite(score.kappa_low)
            ? `${fixed(score.kappa_low, 3)} to ${fixed(score.kappa_upp, 3)}` : "\u2013"))]);
    const perTheme = table("Agreement per theme (Found: the share of the reference's vignettes with the theme that "
      + "were also coded with it; Prevalence: the theme's share of all codes given)",
      ["Theme", "Reference", "Coded", "Agreed", "Found", "Specific agreement", "Kappa", "Prevalence"],
      score.per_theme.map((t) => el("tr", { "data-theme": t.theme },
        el("th", { scope: "row" }, t.label), num(t.n_reference, 0), num(t.n_coded, 0), num(t.n_agree, 0),
        num(t.pct_of_reference, 1, "%"), num(t.specific_agreement, 3), num(t.kappa, 3),
        num(100 * t.prevalence, 1, "%"))));
    const themeLabel = new Map(data.themes.map((t) => [t.key, t.label]));
    const disagreements = disagreementList(score, reference, coder, themeLabel, data);
    // columns numbered as the rows, so that the matrix fits a column and a phone (theme names would not)
    const labels = data.themes.map((t, i) => `${i + 1}. ${t.label}`);
    const confusion = table(`Confusion matrix: rows are the themes of ${reference}, columns those of ${coder}, `
      + "numbered as the rows; agreements on the diagonal",
      ["Reference \u2193 / coded \u2192", ...score.labels.map((_, j) => String(j + 1))],
      score.confusion.map((row, i) => el("tr", { "data-reference": score.labels[i] },
        el("th", { scope: "row" }, labels[i]),
        ...row.map((v, j) => Object.assign(num(v, 0), { className: i === j ? "diagonal" : "" })))),
      "scorer-confusion");
    const print = el("button", { type: "button", class: "scorer-button scorer-print" }, "Print this result");
    print.addEventListener("click", () => printResult(out, `${capitalise(coder)} compared with ${reference}`));
    out.replaceChildren(summary, disagreements, perTheme, confusion, print);
  }

  // One pair's result on a page of its own, ready to print or save as PDF: the tables as shown, every vignette
  // of the disagreement list with its text written out, and the date.
  function printResult(out, title) {
    const copy = out.cloneNode(true);
    copy.querySelectorAll("button").forEach((n) => n.remove());
    copy.querySelectorAll("label.scorer-sort").forEach((n) => n.replaceWith(el("p", { class: "scorer-caption" }, "Disagreements")));
    copy.querySelectorAll("details").forEach((d) => {
      const text = d.querySelector("p");
      d.replaceWith(el("span", {}, text ? text.textContent : ""));
    });
    const win = window.open("", "_blank");
    if (!win) return;
    const doc = win.document;
    doc.open();
    doc.write("<!doctype html><html lang='en'><head><meta charset='utf-8'><title></title><style>"
      + "body{font:11pt/1.4 system-ui,sans-serif;margin:1.5cm;color:#111}table{border-collapse:collapse;margin:0 0 1em}"
      + "th,td{border-bottom:1px solid #bbb;padding:.2em .5em;text-align:left;vertical-align:top}"
      + ".scorer-caption{font-weight:600;margin:1em 0 .3em}tr{break-inside:avoid}</style></head><body></body></html>");
    doc.close();
    doc.title = `Coding lab: ${title}`;
    doc.body.append(el("h1", {}, `Coding lab: ${title}`),
      el("p", {}, `Scored in the browser on ${new Date().toISOString().slice(0, 10)}.`));
    doc.body.append(...Array.from(copy.childNodes).map((n) => doc.importNode(n, true)));
    win.focus();
    win.print();
  }

  // Every vignette where the codes differ, with both codes and the vignette's text on demand; sortable by theme.
  function disagreementList(score, reference, coder, themeLabel, data) {
    const rows = score.disagreements;
    const box = el("div", { class: "scorer-disagreements" });
    if (!rows.length) {
      box.append(el("p", { class: "scorer-caption" }, `No disagreements: ${coder} and ${reference} agree on every vignette.`));
      return box;
    }
    const order = new Map(data.themes.map((t, i) => [t.key, i]));
    const sorts = {
      reference: (x, y) => (order.get(x.reference) - order.get(y.reference)) || byVignette(x, y),
      coded: (x, y) => (order.get(x.coded) - order.get(y.coded)) || byVignette(x, y),
      vignette: byVignette,
    };
    const select = el("select", { "aria-label": "Order of the disagreements" },
      el("option", { value: "reference" }, `by the theme of ${reference}`),
      el("option", { value: "coded" }, `by the theme ${coder} coded`),
      el("option", { value: "vignette" }, "by vignette"));
    const holder = el("div", {});
    const draw = () => {
      const sorted = rows.slice().sort(sorts[select.value]);
      holder.replaceChildren(table(`${sorted.length} disagreement${sorted.length === 1 ? "" : "s"} of ${score.n} vignettes`,
        ["Vignette", reference === "the answer key" ? "The key" : `${capitalise(reference)}`, capitalise(coder), "Text"],
        sorted.map((d) => el("tr", { "data-disagreement": d.vignette_id },
          el("th", { scope: "row" }, d.vignette_id), el("td", {}, themeLabel.get(d.reference)),
          el("td", {}, themeLabel.get(d.coded)),
          el("td", {}, el("details", {}, el("summary", {}, "Read"), el("p", {}, (data.vignettes || {})[d.vignette_id] || "")))))));
    };
    select.addEventListener("change", draw);
    draw();
    box.append(el("label", { class: "scorer-sort" }, "Disagreements, ordered ", select), holder);
    return box;
  }

  // two rows in the order of their vignette ids ("V01" before "V02")
  function byVignette(x, y) {
    return x.vignette_id < y.vignette_id ? -1 : x.vignette_id > y.vignette_id ? 1 : 0;
  }

  function capitalise(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function showError(out, message) {
    out.replaceChildren(el("p", { class: "scorer-error", role: "alert" }, message));
  }

  function readFile(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(new Uint8Array(reader.result));
      reader.onerror = () => reject(new SheetError(`${file.name}: the browser could not read the file`));
      reader.readAsArrayBuffer(file);
    });
  }

  async function sheetFromInput(input, data) {
    const file = input.files && input.files[0];
    if (!file) return null;
    if (file.size > data.max_bytes) throw tooLarge(file.name, file.size, data);  // refused before it is read
    return readSheet(decode(await readFile(file), file.name), file.name, data);
  }

  function setUp(root) {
    const data = JSON.parse(document.getElementById(root.dataset.source).textContent);
    const out = root.querySelector("[data-output]");
    const run = async (make) => {
      try {
        const result = await make();
        if (result) render(out, result, data);
      } catch (err) {
        if (!(err instanceof SheetError)) throw err;
        showError(out, err.message);
      }
    };
    if (root.dataset.mode === "key") {
      const input = root.querySelector("input[type=file]");
      input.addEventListener("change", () => run(async () => {
        const sheet = await sheetFromInput(input, data);
        return sheet && scoreSheet(sheet, "key", data);
      }));
      const area = root.querySelector("textarea");
      root.querySelector("button").addEventListener("click", () => run(async () => {
        const size = new TextEncoder().encode(area.value).length;
        if (size > data.max_bytes) throw tooLarge("pasted sheet", size, data);
        return scoreSheet(readSheet(area.value, "pasted sheet", data), "key", data);
      }));
    } else {
      const [a, b] = root.querySelectorAll("input[type=file]");
      const both = () => run(async () => {
        const first = await sheetFromInput(a, data);
        const second = await sheetFromInput(b, data);
        if (!first || !second) {
          out.replaceChildren(el("p", { class: "scorer-hint" }, `Now choose the ${first ? "second" : "first"} sheet.`));
          return null;
        }
        return scoreSheet(first, second, data);
      });
      a.addEventListener("change", both);
      b.addEventListener("change", both);
    }
  }

  // The functions, for the tests (tests/test_sheet_scorer.py) and for curious readers' consoles.
  window.sheetScorer = { readSheet, scoreSheet, decode, similarity, SheetError };
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".sheet-scorer[data-source]").forEach(setUp);
  });
})();

/* Operator lookup: ranked hits with matched terms highlighted, score breakdown and 复制引用. */
"use strict";

(() => {
  const {el, api, appendMarked} = QA;
  const $ = (id) => document.getElementById(id);
  const input = $("q");
  const list = $("hits");
  const status = $("status");
  const copyStatus = $("copy-status");
  const KIND_LABELS = {article: "条文", section: "章节", table: "表格", table_row: "表格行", list: "名单", header: "文件头"};
  const MODE_LABELS = {hybrid: "综合", bm25: "BM25", dense: "语义"};
  let hits = [];
  let selected = -1;

  /** Ranges of `text` covered by substrings (≥2 chars) of the query's terms; longest match first. */
  function termRanges(text, query) {
    const terms = query.split(/[\s,,。、;;::!?!?()()“”"'《》]+/).filter(Boolean);
    const grams = new Set();
    let longest = 1;
    for (const term of terms) {
      const max = Math.min(term.length, 16);
      for (let n = 2; n <= max; n++) {
        for (let i = 0; i + n <= term.length; i++) grams.add(term.slice(i, i + n).toLowerCase());
      }
      if (term.length === 1 && /[0-9a-z]/i.test(term)) grams.add(term.toLowerCase());
      longest = Math.max(longest, max);
    }
    const lower = text.toLowerCase();
    const ranges = [];
    let i = 0;
    while (i < lower.length) {
      let matched = 0;
      for (let n = Math.min(longest, lower.length - i); n >= 1; n--) {
        if (grams.has(lower.slice(i, i + n))) { matched = n; break; }
      }
      if (matched) {
        const last = ranges[ranges.length - 1];
        if (last && last[1] === i) last[1] = i + matched;
        else ranges.push([i, i + matched]);
        i += matched;
      } else {
        i += 1;
      }
    }
    return ranges;
  }

  /** The passage to quote: the sentences with the most matched characters, up to ~160 chars. */
  function bestQuote(text, ranges) {
    const clean = text.replace(/\s+/g, " ").trim();
    if (clean.length <= 160) return clean;
    const sentences = [];
    const re = /[^。!?;;\n]+[。!?;;]?/g;
    let m;
    while ((m = re.exec(text))) sentences.push({start: m.index, end: m.index + m[0].length, text: m[0].trim()});
    if (!sentences.length) return clean.slice(0, 160) + "…";
    const score = (s) => ranges.reduce((acc, [a, b]) => acc + Math.max(0, Math.min(b, s.end) - Math.max(a, s.start)), 0);
    let best = 0;
    sentences.forEach((s, i) => { if (score(s) > score(sentences[best])) best = i; });
    let lo = best, hi = best, quote = sentences[best].text;
    while (quote.length < 160) {
      const next = hi + 1 < sentences.length ? sentences[hi + 1].text : null;
      if (next && quote.length + next.length <= 160) { hi += 1; quote += next; continue; }
      const prev = lo > 0 ? sentences[lo - 1].text : null;
      if (prev && quote.length + prev.length <= 160) { lo -= 1; quote = prev + quote; continue; }
      break;
    }
    if (quote.length > 200) quote = quote.slice(0, 200) + "…";
    return (lo > 0 ? "…" : "") + quote + (hi < sentences.length - 1 ? "…" : "");
  }

  function citationText(hit) {
    return `${QA.citationLine(hit)}\n“${hit.quote}”`;
  }

  function fmt(x, digits) {
    return x === null || x === undefined ? "—" : Number(x).toFixed(digits);
  }

  function scoreLine(hit) {
    const parts = [el("span", {class: "score-main"}, "得分 ", el("b", {text: fmt(hit.score, 4)}))];
    const keys = Array.from(new Set([...Object.keys(hit.scores || {}), ...Object.keys(hit.ranks || {})]));
    for (const key of keys) {
      const rank = hit.ranks && hit.ranks[key];
      parts.push(el("span", {class: "score-part", "data-retriever": key},
        `${MODE_LABELS[key] || key} ${fmt(hit.scores && hit.scores[key], key === "bm25" ? 2 : 3)}`,
        rank ? el("small", {text: ` #${rank}`}) : ""));
    }
    return el("div", {class: "scores"}, parts);
  }

  function render(query) {
    list.replaceChildren(...hits.map((hit, i) => {
      const ranges = termRanges(hit.text, query);
      hit.quote = bestQuote(hit.text, ranges);
      const li = el("li", {class: "hit", tabindex: "-1", id: `hit-${i}`, "aria-selected": "false", "data-index": String(i),
        onclick: (ev) => { if (!ev.target.closest("button")) select(i, false); }},
        el("div", {class: "hit-head"},
          el("span", {class: "rank", text: String(i + 1)}),
          el("span", {class: "docno", text: hit.doc_number}),
          el("span", {class: "kind", text: KIND_LABELS[hit.kind] || hit.kind}),
          el("button", {type: "button", class: "copy", text: "复制引用", onclick: () => { select(i, false); copy(i); }})),
        el("div", {class: "title", text: hit.title}),
        el("div", {class: "path", text: hit.section || "(文件正文)"}),
        hit.status ? el("div", {class: "doc-status", text: hit.status}) : "",
        appendMarked(el("div", {class: "text"}), hit.text, ranges, "term"),
        scoreLine(hit));
      return li;
    }));
    selected = -1;
    if (hits.length) select(0, false);
  }

  function select(i, focus) {
    if (!hits.length) return;
    selected = Math.max(0, Math.min(hits.length - 1, i));
    list.querySelectorAll(".hit").forEach((node, j) => {
      node.classList.toggle("selected", j === selected);
      node.setAttribute("aria-selected", String(j === selected));
    });
    const node = $(`hit-${selected}`);
    if (focus) node.focus({preventScroll: true});
    node.scrollIntoView({block: "nearest"});
  }

  async function copy(i) {
    const hit = hits[i];
    if (!hit) return;
    const text = citationText(hit);
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch (_) {
      const area = el("textarea", {class: "visually-hidden", "aria-hidden": "true"});
      area.value = text;
      document.body.append(area);
      area.select();
      try { ok = document.execCommand("copy"); } catch (__) { ok = false; }
      area.remove();
    }
    copyStatus.hidden = false;
    copyStatus.dataset.text = text;
    copyStatus.replaceChildren(el("strong", {text: ok ? "已复制引用:" : "复制失败,请手动复制:"}), el("pre", {text}));
  }

  async function search() {
    const query = input.value.trim();
    if (!query) { status.textContent = "请输入检索词"; input.focus(); return; }
    const body = {query, top_k: Number($("topk").value), mode: $("mode").value};
    const filters = {};
    if ($("doc").value) filters.doc_keys = [$("doc").value];
    if ($("kind").value) filters.kinds = [$("kind").value];
    if ($("in-force").value) filters.in_force_on = $("in-force").value;
    if (Object.keys(filters).length) body.filters = filters;
    status.textContent = "检索中…";
    status.classList.remove("error");
    try {
      const started = performance.now();
      const data = await (await api("/v1/search", {json: body})).json();
      hits = data.hits;
      render(query);
      const ms = Math.round(performance.now() - started);
      status.textContent = hits.length ? `共 ${hits.length} 条结果(${ms} ms)· ↑/↓ 选择,c 复制引用` : "没有找到相关内容";
    } catch (err) {
      hits = [];
      list.replaceChildren();
      status.textContent = err.message;
      status.classList.add("error");
    }
  }

  async function loadFilters() {
    try {
      const data = await (await api("/v1/documents")).json();
      const docSelect = $("doc");
      for (const d of data.documents) {
        const title = d.title.length > 28 ? d.title.slice(0, 28) + "…" : d.title;
        docSelect.append(el("option", {value: d.key, title: d.title, text: `${d.number} ${title}`}));
      }
      const kindSelect = $("kind");
      for (const k of data.kinds) kindSelect.append(el("option", {value: k, text: KIND_LABELS[k] ? `${KIND_LABELS[k]} (${k})` : k}));
      document.body.dataset.ready = "true";
    } catch (err) {
      status.textContent = `文件列表载入失败:${err.message}`;
      status.classList.add("error");
    }
  }

  $("search-form").addEventListener("submit", (ev) => { ev.preventDefault(); search(); });
  document.addEventListener("keydown", (ev) => {
    const t = ev.target;
    const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (t instanceof HTMLSelectElement || !hits.length) return;
      ev.preventDefault();
      if (t === input) {  // from the search box: go to the (already highlighted) selection
        select(selected < 0 ? 0 : selected, true);
      } else if (ev.key === "ArrowUp" && selected === 0) {
        input.focus();
      } else {
        select(selected + (ev.key === "ArrowDown" ? 1 : -1), true);
      }
    } else if ((ev.key === "c" || ev.key === "C") && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      if (selected >= 0) { ev.preventDefault(); copy(selected); }
    } else if (ev.key === "/" && !typing) {
      ev.preventDefault();
      input.focus();
      input.select();
    } else if (ev.key === "Escape" && !typing) {
      input.focus();
    }
  });
  loadFilters();
})();

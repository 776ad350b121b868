/* Resident chat: ask, stream the answer, show citation chips that open the cited text. */
"use strict";

(() => {
  const {el, api, readEvents, findLoose, appendMarked, loadDocument} = QA;
  const NOT_FOUND = "本期公报未作规定";
  const $ = (id) => document.getElementById(id);
  const log = $("log");
  const form = $("ask-form");
  const box = $("question");
  const send = $("send");
  const panel = $("source-panel");
  const overlay = $("overlay");
  // The session itself lives in an HttpOnly cookie this script cannot read (session_cookie: true);
  // the page only keeps the session's short public tag, to say whether a conversation is going on.
  let sessionTag = sessionStorage.getItem("qa.session-tag") || null;
  let busy = false;
  let lastFocus = null;
  let resetting = Promise.resolve();

  function setSession(tag) {
    sessionTag = tag;
    if (tag) sessionStorage.setItem("qa.session-tag", tag);
    else sessionStorage.removeItem("qa.session-tag");
    $("session-state").textContent = tag ? "对话进行中 · 可直接追问" : "新对话";
    document.body.dataset.session = tag || "";
  }

  function scrollToEnd() {
    window.scrollTo({top: document.body.scrollHeight, behavior: "smooth"});
  }

  function chip(c, index, kind) {
    const label = `${c.doc_number} · ${c.section || c.title}`;
    return el("button", {
      type: "button", class: "chip" + (kind === "related" ? " related" : ""), title: c.title,
      "data-doc-key": c.doc_key, "data-chunk-id": c.chunk_id,
      onclick: (ev) => openSource(c, ev.currentTarget),
    }, el("span", {class: "chip-n", text: kind === "related" ? "↗" : `[${index + 1}]`}), el("span", {class: "chip-label", text: label}),
      c.status ? el("span", {class: "chip-status", text: c.status}) : "");
  }

  function renderFinal(bubble, data) {
    const answer = bubble.querySelector(".answer");
    answer.textContent = data.answer;
    bubble.classList.toggle("notfound", !data.found);
    if (!data.found) {
      const note = el("p", {class: "notfound-note"}, el("strong", {text: NOT_FOUND}),
        data.answer.includes(NOT_FOUND) ? "" : "(未在本期公报中找到依据)");
      answer.after(note);
    }
    if (data.rewritten_question && data.rewritten_question !== bubble.dataset.question) {
      bubble.append(el("p", {class: "understood"}, "理解为:", el("q", {text: data.rewritten_question})));
    }
    if (data.citations.length) {
      bubble.append(el("div", {class: "chips", "aria-label": "引用出处"}, data.citations.map((c, i) => chip(c, i, "cite"))));
    }
    const seen = new Set();
    const related = (data.related || []).filter((c) => {
      const key = c.doc_key + "\u0000" + c.section;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    if (related.length) {
      bubble.append(el("p", {class: "related-title", text: "可能相关的条文:"}));
      bubble.append(el("div", {class: "chips"}, related.map((c, i) => chip(c, i, "related"))));
    }
    bubble.dataset.found = String(data.found);
    bubble.dataset.state = "done";
    bubble.classList.remove("pending");
    setSession(data.session_tag);
  }

  async function ask(question) {
    question = question.trim();
    if (!question || busy) return;
    busy = true;
    send.disabled = true;
    $("intro").classList.add("compact");
    log.append(el("li", {class: "msg user"}, el("p", {class: "text", text: question})));
    const bubble = el("li", {class: "msg bot pending", dataset: {question}},
      el("p", {class: "answer", text: ""}), el("span", {class: "typing", "aria-label": "正在检索"}, el("i"), el("i"), el("i")));
    log.append(bubble);
    scrollToEnd();
    const answer = bubble.querySelector(".answer");
    try {
      await resetting;
      const response = await api("/v1/ask", {json: {question, session_cookie: true, stream: true}});
      let done = false;
      await readEvents(response, (event, data) => {
        const payload = JSON.parse(data);
        if (event === "delta") {
          answer.textContent += payload.text;
        } else if (event === "done") {
          done = true;
          bubble.querySelector(".typing")?.remove();
          renderFinal(bubble, payload);
        } else if (event === "error") {
          throw new QA.ApiError(500, payload.error?.code, payload.error?.message || "出错了");
        }
      });
      if (!done) throw new QA.ApiError(0, "incomplete", "回答未完整返回,请重试");
    } catch (err) {
      bubble.querySelector(".typing")?.remove();
      bubble.classList.remove("pending");
      bubble.classList.add("error");
      bubble.dataset.state = "error";
      answer.textContent = err.message || "出错了,请重试";
    } finally {
      busy = false;
      send.disabled = false;
      scrollToEnd();
    }
  }

  // --- cited text -------------------------------------------------------------------------------
  function blocksOf(doc) {
    const blocks = doc.outline.map((u) => ({type: "unit", section: u.section, ls: u.line_start, le: u.line_end, text: u.text, depth: u.depth, item: u}));
    for (const t of doc.tables) {
      const text = [t.caption, ...t.rows.map((r) => [r.header, ...r.cells].join(" "))].join("\n");
      blocks.push({type: "table", section: t.section, ls: t.line_start, le: t.line_end, text, depth: 0, item: t});
    }
    blocks.sort((a, b) => a.ls - b.ls || (a.type === "unit" ? -1 : 1));
    return blocks;
  }

  function pickTarget(blocks, c) {
    const overlap = blocks.filter((b) => b.ls <= c.line_end && b.le >= c.line_start);
    const span = (b) => b.le - b.ls;
    const smallest = (list) => list.slice().sort((a, b) => span(a) - span(b))[0];
    const withQuote = (list) => list.filter((b) => findLoose(b.text, c.quote));
    return smallest(withQuote(overlap)) || overlap.find((b) => b.section === c.section)
      || withQuote(blocks)[0] || blocks.find((b) => b.section === c.section) || smallest(overlap) || null;
  }

  function renderBlock(b, c, isTarget) {
    const node = el("section", {class: `block ${b.type} depth-${Math.min(b.depth, 3)}` + (isTarget ? " target" : ""), "data-section": b.section});
    if (b.type === "unit") {
      const range = isTarget ? findLoose(b.text, c.quote) : null;
      node.append(appendMarked(el("div", {class: "unit-text"}), b.text, range ? [range] : [], "hl"));
    } else {
      const t = b.item;
      node.append(el("div", {class: "caption"}, t.caption, t.unit ? `(单位:${t.unit})` : ""));
      const head = el("tr", {}, el("th", {text: t.row_header}), t.columns.map((col) => el("th", {text: col})));
      const rows = t.rows.map((r) => {
        const hit = isTarget && (r.line_start <= c.line_end && r.line_end >= c.line_start);
        return el("tr", {class: hit ? "hl-row" : null}, el("th", {scope: "row", text: r.header}), r.cells.map((x) => el("td", {text: x})));
      });
      node.append(el("div", {class: "table-wrap"}, el("table", {}, el("thead", {}, head), el("tbody", {}, rows))));
    }
    return node;
  }

  async function openSource(c, opener) {
    lastFocus = opener || document.activeElement;
    $("source-number").textContent = c.doc_number;
    $("source-title").textContent = c.title;
    $("source-section").textContent = c.section;
    $("source-quote").textContent = c.quote;
    const body = $("source-body");
    body.replaceChildren(el("p", {class: "muted", text: "正在载入原文…"}));
    panel.hidden = false;
    overlay.hidden = false;
    document.body.classList.add("panel-open");
    $("source-close").focus();
    try {
      const doc = await loadDocument(c.doc_key);
      const blocks = blocksOf(doc);
      const target = pickTarget(blocks, c);
      const meta = el("p", {class: "doc-meta muted"}, `${doc.issuer} · ${doc.date}`);
      body.replaceChildren(meta, ...blocks.map((b) => renderBlock(b, c, b === target)));
      const focusNode = body.querySelector(".target mark.hl, .target tr.hl-row") || body.querySelector(".target");
      if (focusNode) focusNode.scrollIntoView({block: focusNode.matches(".target") ? "start" : "center"});
    } catch (err) {
      body.replaceChildren(el("p", {class: "error", text: err.message || "原文载入失败"}));
    }
  }

  function closeSource() {
    panel.hidden = true;
    overlay.hidden = true;
    document.body.classList.remove("panel-open");
    if (lastFocus && lastFocus.focus) lastFocus.focus();
  }

  // --- wiring -------------------------------------------------------------------------------------
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const q = box.value;
    if (!q.trim()) { box.focus(); return; }
    box.value = "";
    autosize();
    ask(q);
  });
  box.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
  function autosize() {
    box.style.height = "auto";
    box.style.height = Math.min(box.scrollHeight, 160) + "px";
  }
  box.addEventListener("input", autosize);
  $("examples").addEventListener("click", (ev) => {
    const b = ev.target.closest("button.example");
    if (b) ask(b.textContent);
  });
  $("new-session").addEventListener("click", () => {
    setSession(null);
    log.replaceChildren();
    $("intro").classList.remove("compact");
    box.focus();
    // the server forgets the conversation and clears the cookie; the next question waits for it
    resetting = api("/v1/session", {method: "DELETE"}).catch(() => { /* offline: the cookie expires */ });
  });
  $("source-close").addEventListener("click", closeSource);
  overlay.addEventListener("click", closeSource);
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && !panel.hidden) closeSource();
  });
  setSession(sessionTag);
})();

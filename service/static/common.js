/* Shared helpers for the two pages. Every piece of user or server text goes into the page through
   textContent or text nodes (never innerHTML), so markup in a question or a document stays text. */
"use strict";

const QA = (() => {
  /** el("div", {class: "x", dataset: {k: "v"}, onclick: fn}, child, "text", ...) */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function errorFrom(response) {
    let code = "http_" + response.status;
    let message = `请求失败(HTTP ${response.status})`;
    try {
      const body = await response.json();
      if (body && body.error) {
        code = body.error.code || code;
        message = body.error.message || message;
      }
    } catch (_) { /* not JSON */ }
    if (response.status === 429) {
      const wait = response.headers.get("Retry-After");
      if (wait) message += `(${wait} 秒后可重试)`;
    }
    return new ApiError(response.status, code, message);
  }

  async function api(path, options) {
    const opts = Object.assign({headers: {}}, options || {});
    if (opts.json !== undefined) {
      opts.method = opts.method || "POST";
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(opts.json);
      delete opts.json;
    }
    let response;
    try {
      response = await fetch(path, opts);
    } catch (err) {
      throw new ApiError(0, "network", "无法连接服务器,请检查网络后重试");
    }
    if (!response.ok) throw await errorFrom(response);
    return response;
  }

  /** Read a text/event-stream response body; calls onEvent(eventName, dataString) per event. */
  async function readEvents(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder("utf-8");
    let buffer = "";
    const flush = (block) => {
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) onEvent(event, data.join("\n"));
    };
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, {stream: true}).replace(/\r\n/g, "\n");
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        flush(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
      }
    }
    if (buffer.trim()) flush(buffer);
  }

  /** Find `needle` in `text`, ignoring whitespace differences. Returns [start, end) or null. */
  function findLoose(text, needle) {
    if (!needle) return null;
    const exact = text.indexOf(needle);
    if (exact >= 0) return [exact, exact + needle.length];
    const map = [];
    let squeezed = "";
    for (let i = 0; i < text.length; i++) {
      if (!/\s/.test(text[i])) { map.push(i); squeezed += text[i]; }
    }
    const target = needle.replace(/\s+/g, "");
    if (!target) return null;
    const at = squeezed.indexOf(target);
    if (at < 0) return null;
    return [map[at], map[at + target.length - 1] + 1];
  }

  /** Append `text` to `parent`, wrapping the [start, end) ranges (sorted, disjoint) in <mark>. */
  function appendMarked(parent, text, ranges, markClass) {
    let pos = 0;
    for (const [start, end] of ranges) {
      if (start > pos) parent.append(document.createTextNode(text.slice(pos, start)));
      parent.append(el("mark", {class: markClass || null}, text.slice(start, end)));
      pos = end;
    }
    if (pos < text.length) parent.append(document.createTextNode(text.slice(pos)));
    return parent;
  }

  function docUrl(key) {
    return "/v1/documents/" + encodeURIComponent(key);
  }

  const documentCache = new Map();
  function loadDocument(key) {
    if (!documentCache.has(key)) {
      const p = api(docUrl(key)).then((r) => r.json());
      p.catch(() => documentCache.delete(key));
      documentCache.set(key, p);
    }
    return documentCache.get(key);
  }

  function citationLine(c) {
    return `《${c.title}》(${c.doc_number}) ${c.section}`.trim();
  }

  return {el, api, ApiError, readEvents, findLoose, appendMarked, docUrl, loadDocument, citationLine};
})();

// The workspace editor: CodeMirror 6 over the page's textarea#workspace, loaded after the first
// render (www/boot.js) and bundled by esbuild when Trunk builds (www/editor/build.mjs).
//
// The app holds the text (src/ui/editor.rs) and keeps the textarea in step with it: this module
// hides the textarea, shows an editor with line numbers and YAML highlighting, and
//   - hands every edit to the app in a `kubegate:edit` event on the textarea (the text in
//     `detail`);
//   - takes the app's text when the app replaces it (a reset, an undo, `kubectl config`): the
//     app fires `kubegate:text` on the textarea, with a large text in `detail` (the textarea
//     then stays empty: writing megabytes into one is a long task), a small one written into
//     the textarea; once loaded, this module fires `kubegate:ready` for the app to hand over a
//     large text it holds;
//   - marks the app's diagnostics (#diagnostics [data-line]) on their lines, and jumps to a
//     line when a diagnostic or an outline entry ([data-jump-line]) is clicked.
// If this file fails to load, the textarea keeps working as before.
//
// CodeMirror injects its styles at run time; the page's Content-Security-Policy forbids <style>
// elements, so the editor lives in a shadow root, where the styles are constructed stylesheets
// (adoptedStyleSheets), which CSP does not govern. The page's CSS variables reach inside it.

import { EditorState, Prec } from "@codemirror/state";
import {
  Decoration,
  EditorView,
  MatchDecorator,
  ViewPlugin,
  WidgetType,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, foldGutter, foldKeymap, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { highlightSelectionMatches, search, searchKeymap } from "@codemirror/search";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { yaml } from "@codemirror/lang-yaml";
import { classHighlighter } from "@lezer/highlight";

// Up to this size every edit reaches the app at once; above it, when typing pauses (the app
// reads the whole text on each one).
const IMMEDIATE_LIMIT = 256 * 1024;
const PAUSE_MS = 250;
// The editor marks at most this many diagnostics (the list under it has them all).
const MARKS_MAX = 2000;

const theme = EditorView.theme({
  "&": {
    height: "100%",
    color: "var(--text)",
    backgroundColor: "var(--editor-bg)",
    fontSize: "var(--editor-font-size, 13px)",
  },
  ".cm-scroller": {
    fontFamily: "var(--mono)",
    lineHeight: "1.45",
  },
  ".cm-content": { caretColor: "var(--text)" },
  "&.cm-focused": { outline: "2px solid var(--focus)", outlineOffset: "-2px" },
  "&.cm-focused .cm-cursor": { borderLeftColor: "var(--text)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": {
    backgroundColor: "var(--selection) !important",
  },
  ".cm-gutters": {
    backgroundColor: "var(--panel)",
    color: "var(--muted)",
    borderRight: "1px solid var(--border)",
  },
  ".cm-activeLine": { backgroundColor: "var(--active-line)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--active-line)", color: "var(--text)" },
  ".cm-panels": { backgroundColor: "var(--panel)", color: "var(--text)" },
  ".cm-tooltip": { backgroundColor: "var(--panel)", color: "var(--text)", border: "1px solid var(--border)" },
  // YAML tokens (classHighlighter's tok-* classes), in the page's palette.
  ".tok-comment": { color: "var(--tok-comment)", fontStyle: "italic" },
  ".tok-propertyName, .tok-definition": { color: "var(--tok-key)" },
  ".tok-string, .tok-string2": { color: "var(--tok-string)" },
  ".tok-number, .tok-bool, .tok-atom, .tok-literal": { color: "var(--tok-number)" },
  ".tok-keyword, .tok-meta, .tok-labelName": { color: "var(--tok-meta)" },
  ".tok-punctuation, .tok-separator, .tok-operator": { color: "var(--muted)" },
  ".tok-typeName": { color: "var(--tok-meta)" },
  ".cm-elided": {
    color: "var(--muted)",
    fontStyle: "italic",
    border: "1px dashed var(--border)",
    borderRadius: "4px",
    padding: "0 4px",
  },
});

// Certificate and key data (base64 runs of hundreds of characters) would fill the pane when
// lines wrap: all but the start of such a run is shown as "… 1,234 more characters". The text
// is unchanged; the run can be selected, cut or replaced whole.
class Elided extends WidgetType {
  constructor(count) {
    super();
    this.count = count;
  }
  eq(other) {
    return other.count === this.count;
  }
  toDOM() {
    const span = document.createElement("span");
    span.className = "cm-elided";
    span.textContent = `… ${this.count.toLocaleString("en")} more characters`;
    span.title = "Long data, shortened on screen (the text is whole)";
    return span;
  }
}
const KEEP = 40;
const elider = new MatchDecorator({
  regexp: /[A-Za-z0-9+/=_-]{160,}/g,
  decorate: (add, from, to) => add(from + KEEP, to, Decoration.replace({ widget: new Elided(to - from - KEEP) })),
});
const elideLongData = ViewPlugin.fromClass(
  class {
    constructor(view) {
      this.marks = elider.createDeco(view);
    }
    update(u) {
      this.marks = elider.updateDeco(u, this.marks);
    }
  },
  {
    decorations: (p) => p.marks,
    provide: (p) => EditorView.atomicRanges.of((view) => view.plugin(p)?.marks ?? Decoration.none),
  },
);

function diagnosticsFrom(view, list) {
  const doc = view.state.doc;
  const out = [];
  for (const item of list.querySelectorAll("[data-line]")) {
    if (out.length >= MARKS_MAX) break;
    const lineNo = Number(item.dataset.line);
    if (!(lineNo >= 1)) continue;
    const line = doc.line(Math.min(lineNo, doc.lines));
    const column = Math.max(1, Number(item.dataset.column) || 1);
    const from = Math.min(line.from + column - 1, line.to);
    const to = from < line.to ? line.to : from;
    out.push({
      from,
      to,
      severity: item.dataset.severity === "error" ? "error" : "warning",
      message: item.dataset.message || item.textContent,
    });
  }
  return out;
}

function jump(view, lineNo, column) {
  const doc = view.state.doc;
  const line = doc.line(Math.min(Math.max(1, lineNo), doc.lines));
  const at = Math.min(line.from + Math.max(1, column) - 1, line.to);
  view.dispatch({
    selection: { anchor: at },
    effects: EditorView.scrollIntoView(at, { y: "center" }),
  });
  view.focus();
}

export function enhance(area = document.getElementById("workspace")) {
  if (!area || area.dataset.enhanced) return null;
  area.dataset.enhanced = "1";

  const host = document.createElement("div");
  host.id = "workspace-editor";
  host.className = "workspace-editor";
  area.after(host);
  const shadow = host.attachShadow({ mode: "open" });
  const mount = document.createElement("div");
  // The editor fills the host box and scrolls inside it (CSSOM, which the CSP allows).
  mount.style.height = "100%";
  shadow.append(mount);

  let pushed = area.value;
  let timer = 0;
  const push = (view) => {
    clearTimeout(timer);
    timer = 0;
    const text = view.state.doc.toString();
    if (text === pushed) return;
    pushed = text;
    area.dispatchEvent(new CustomEvent("kubegate:edit", { detail: text }));
  };

  const view = new EditorView({
    root: shadow,
    parent: mount,
    state: EditorState.create({
      doc: area.value,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        foldGutter(),
        lintGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        search({ top: true }),
        yaml(),
        syntaxHighlighting(classHighlighter),
        EditorState.tabSize.of(2),
        // Long lines (comments, certificate data) wrap: nothing is cut off in a narrow pane.
        EditorView.lineWrapping,
        elideLongData,
        // Ctrl/Cmd+Enter is the page's "send" (src/ui/app.rs): it never edits the workspace.
        Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => true }])),
        keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, ...foldKeymap, indentWithTab]),
        theme,
        EditorView.contentAttributes.of({
          "aria-label": "Workspace (kubeconfig, control plane, cluster objects)",
          "aria-describedby": "diagnostics",
          spellcheck: "false",
          autocapitalize: "off",
        }),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged) return;
          if (u.state.doc.length <= IMMEDIATE_LIMIT) push(u.view);
          else {
            clearTimeout(timer);
            timer = setTimeout(() => push(u.view), PAUSE_MS);
          }
        }),
      ],
    }),
  });
  // Anything still waiting reaches the app before the page goes away (a reload, a closed tab).
  addEventListener("pagehide", () => timer && push(view));

  // The app replaced the text (a reset, an undo, `kubectl config` rewriting the kubeconfig).
  // A large text comes in the event (the hidden textarea is not written: 10 MB there is a long
  // task), a small one in the textarea.
  area.addEventListener("kubegate:text", (e) => {
    const text = typeof e.detail === "string" ? e.detail : area.value;
    if (text === pushed) return;
    pushed = text;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  });

  // The app's diagnostics, marked on their lines whenever the list changes.
  const list = document.getElementById("diagnostics");
  const mark = () => {
    if (timer) return; // The list describes an older text; it changes again once read.
    view.dispatch(setDiagnostics(view.state, list ? diagnosticsFrom(view, list) : []));
  };
  if (list) {
    new MutationObserver(mark).observe(list, { childList: true, subtree: true, characterData: true });
    mark();
  }

  // A click on a diagnostic or an outline entry jumps to its line.
  document.addEventListener("click", (e) => {
    const target = e.target instanceof Element ? e.target.closest("[data-jump-line]") : null;
    if (!target) return;
    e.preventDefault();
    jump(view, Number(target.dataset.jumpLine), Number(target.dataset.jumpColumn) || 1);
  });

  area.classList.add("enhanced");
  document.documentElement.dataset.editor = "codemirror";
  // A large text is not in the textarea: the app hands it over now (src/ui/editor.rs).
  area.dispatchEvent(new Event("kubegate:ready"));
  return view;
}

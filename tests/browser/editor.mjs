// Driving the page's code editor (CodeMirror in a shadow root, www/editor/editor.js) as a person
// does; shared by the browser tests and scripts/measure-page.mjs.

// Replaces the workspace text: select all, paste (a paste event carrying the text, as the
// browser fires for Ctrl+V). The editor must have loaded (html[data-editor]).
export async function pasteIntoWorkspace(page, text) {
  await page.focus("#workspace-editor .cm-content");
  await page.keyboard.press("Control+a");
  await page.evaluate((t) => {
    const content = document.querySelector("#workspace-editor").shadowRoot.querySelector(".cm-content");
    const data = new DataTransfer();
    data.setData("text/plain", t);
    content.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

// Driving the page's code editor (CodeMirror in a shadow root, www/editor/editor.js) as a person
// does; shared by the browser tests and scripts/measure-page.mjs.

// Replaces the workspace text: select all, paste (a paste event carrying the text, as the
// browser fires for Ctrl+V). The editor must have loaded (html[data-editor]).
export async function pasteIntoWorkspace(page, text) {
  await copyToClipboard(page, text);
  await pasteCopied(page);
}

// The two halves of a paste, for measuring: handing the page a 10 MB text through DevTools is
// itself a long task of the page's, which a person's Ctrl+V does not cost.
export async function copyToClipboard(page, text) {
  await page.evaluate((t) => {
    window.__clipboard = t;
  }, text);
}

export async function pasteCopied(page) {
  await page.focus("#workspace-editor .cm-content");
  await page.keyboard.press("Control+a");
  await page.evaluate(() => {
    const content = document.querySelector("#workspace-editor").shadowRoot.querySelector(".cm-content");
    const data = new DataTransfer();
    data.setData("text/plain", window.__clipboard);
    delete window.__clipboard;
    content.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  });
}

// A `kubectl get rolebindings -A -o yaml`-style List of about `bytes` bytes (200 namespaces,
// then RoleBindings with Helm's labels and two subjects each), as benches/scale.rs makes.
export function rbacDump(bytes) {
  let out = "apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: \"\"\nitems:\n";
  for (let k = 0; k < 200; k++) out += `- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: team-${k}\n`;
  const parts = [out];
  let size = out.length;
  for (let i = 0; size < bytes; i++) {
    const ns = `team-${i % 200}`;
    const item = `- apiVersion: rbac.authorization.k8s.io/v1\n  kind: RoleBinding\n  metadata:\n    annotations:\n      meta.helm.sh/release-name: release-${i}\n      meta.helm.sh/release-namespace: ${ns}\n    creationTimestamp: "2026-01-01T00:00:00Z"\n    labels:\n      app.kubernetes.io/managed-by: Helm\n      app.kubernetes.io/name: app-${i}\n    name: binding-${i}\n    namespace: ${ns}\n    resourceVersion: "${1000 + i}"\n  roleRef:\n    apiGroup: rbac.authorization.k8s.io\n    kind: ClusterRole\n    name: edit\n  subjects:\n  - kind: ServiceAccount\n    name: sa-${i}\n    namespace: ${ns}\n  - apiGroup: rbac.authorization.k8s.io\n    kind: User\n    name: user-${i}@example.com\n`;
    parts.push(item);
    size += item.length;
  }
  return parts.join("");
}

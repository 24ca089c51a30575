// Starts `crashlint server` (the Language Server Protocol over stdio) for TypeScript, JavaScript and
// Python files; everything else — diagnostics, quick fixes, hover — is the server's.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("crashlint");
  const command = settings.get("path") || "crashlint";
  client = new LanguageClient(
    "crashlint",
    "crashlint",
    { command, args: ["server"] },
    {
      documentSelector: ["typescript", "typescriptreact", "javascript", "javascriptreact", "python"].map(
        (language) => ({ scheme: "file", language })
      ),
      initializationOptions: { debounce: settings.get("debounce") },
    }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

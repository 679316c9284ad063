// @ts-nocheck
// The /docs page: Swagger UI over /openapi.json, and beside Authorize a webhook secret held in this tab that signs POST /webhook.
// Plain JavaScript that the browser loads as it is; unchecked because the server's type-check has no DOM library.
import { signingInterceptor, signingKey } from "./docs-signing.js";

const SECRET = "lyftr.webhook-secret";
const SCHEME = "lyftr.signature-scheme";

// sessionStorage keeps the secret in this tab across reloads and drops it when the tab closes.
// Where the browser refuses storage, the page still works for as long as it stays open.
const storage = (() => {
  try {
    sessionStorage.getItem(SECRET);
    return sessionStorage;
  } catch {
    const memory = new Map();
    return {
      getItem: (k) => memory.get(k) ?? null,
      setItem: (k, v) => void memory.set(k, v),
      removeItem: (k) => void memory.delete(k),
    };
  }
})();

const signing = () => ({
  secret: storage.getItem(SECRET),
  scheme: storage.getItem(SCHEME) === "standard" ? "standard" : "x-signature",
});

const HEADERS = { "x-signature": "X-Signature", standard: "webhook-id, webhook-timestamp and webhook-signature" };

function statusLine(usable, current) {
  if (!usable) return "Signing needs WebCrypto, which the browser offers only over HTTPS or on localhost: POST /webhook goes unsigned here.";
  if (!current.secret) return "No secret set: Execute on POST /webhook goes unsigned and answers 401 with the reason.";
  return (
    `Secret set, kept in this tab only and never sent. Execute on POST /webhook adds ${HEADERS[current.scheme]}, ` +
    "signed over the exact body sent; a signature header you fill in yourself is sent as typed."
  );
}

const signingPanel = (React) =>
  function SigningPanel() {
    const h = React.createElement;
    const [current, setCurrent] = React.useState(signing);
    const [draft, setDraft] = React.useState("");
    const [error, setError] = React.useState("");
    const usable = Boolean(globalThis.isSecureContext && globalThis.crypto?.subtle);

    const set = (event) => {
      event.preventDefault();
      try {
        signingKey(draft);
      } catch (refused) {
        return setError(refused.message);
      }
      storage.setItem(SECRET, draft);
      setDraft("");
      setError("");
      setCurrent(signing());
    };
    const forget = () => {
      storage.removeItem(SECRET);
      setCurrent(signing());
    };
    const choose = (event) => {
      storage.setItem(SCHEME, event.target.value);
      setCurrent(signing());
    };

    return h(
      "form",
      { className: "lyftr-signing", "aria-label": "Webhook signing", onSubmit: set },
      h(
        "label",
        null,
        "Webhook secret",
        h("input", {
          type: "password",
          autoComplete: "off",
          spellCheck: false,
          disabled: !usable,
          value: draft,
          placeholder: current.secret ? "set: type another to replace it" : "as in WEBHOOK_SECRET, plain or whsec_…",
          onChange: (event) => setDraft(event.target.value),
        }),
      ),
      h(
        "label",
        null,
        "Sign with",
        h(
          "select",
          { value: current.scheme, onChange: choose },
          h("option", { value: "x-signature" }, "X-Signature"),
          h("option", { value: "standard" }, "Standard Webhooks"),
        ),
      ),
      h("button", { type: "submit", className: "btn", disabled: !usable || draft.trim() === "" }, "Set secret"),
      h("button", { type: "button", className: "btn", disabled: !current.secret, onClick: forget }, "Forget secret"),
      h("p", { role: "status" }, statusLine(usable, current)),
      error && h("p", { role: "alert" }, error),
    );
  };

// The read token goes in Authorize; the webhook secret sits beside it.
const SigningPlugin = () => ({
  wrapComponents: {
    AuthorizeBtnContainer: (Original, { React }) => {
      const Panel = signingPanel(React);
      return (props) => React.createElement(React.Fragment, null, React.createElement(Panel), React.createElement(Original, props));
    },
  },
});

window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  plugins: [SwaggerUIBundle.plugins.DownloadUrl, SigningPlugin],
  layout: "StandaloneLayout",
  requestInterceptor: signingInterceptor(signing),
});

// Loaded with the page's CSP nonce. Shows that scripts from this origin run under the policy.
document.addEventListener("DOMContentLoaded", () => {
  const status = document.querySelector("[data-js-status]");
  if (status) {
    status.textContent = "Scripts are on.";
  }
});

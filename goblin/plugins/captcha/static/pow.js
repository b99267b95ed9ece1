/* goblin.plugins.captcha: the proof of work of the registration form.
 *
 * Finds a counter such that SHA-256(nonce + ":" + counter) starts with `difficulty` zero
 * bits, puts it in the form's hidden captcha_answer field and holds back the form until it
 * has one. The server checks the answer with a single hash. No third-party code.
 */
(function () {
  "use strict";

  function leadingZeroBits(bytes) {
    let bits = 0;
    for (const byte of bytes) {
      if (byte !== 0) {
        return bits + Math.clz32(byte) - 24;
      }
      bits += 8;
    }
    return bits;
  }

  async function solve(nonce, difficulty, subtle) {
    subtle = subtle || globalThis.crypto.subtle;
    const encoder = new TextEncoder();
    const batch = 512;
    for (let start = 0; ; start += batch) {
      const pending = [];
      for (let i = 0; i < batch; i++) {
        pending.push(subtle.digest("SHA-256", encoder.encode(nonce + ":" + (start + i))));
      }
      const digests = await Promise.all(pending);
      for (let i = 0; i < batch; i++) {
        if (leadingZeroBits(new Uint8Array(digests[i])) >= difficulty) {
          return start + i;
        }
      }
    }
  }

  function attach(field) {
    const form = field.form;
    const status = form.querySelector("[data-captcha-status]");
    let done = false;
    let sendWhenDone = false;
    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }
    if (!globalThis.crypto || !globalThis.crypto.subtle) {
      say("This check only works over a secure (https) connection, which this page does " +
          "not have. Please tell the people who run this site.");
      return;
    }
    say("Checking that you aren't a spam robot. This takes a few seconds…");
    form.addEventListener("submit", function (event) {
      if (!done) {
        event.preventDefault();
        sendWhenDone = true;
        say("Almost there: the form is sent as soon as the check is done…");
      }
    });
    solve(field.dataset.captchaPow, Number(field.dataset.captchaDifficulty)).then(
      function (counter) {
        field.value = String(counter);
        done = true;
        say("Check done. You can create your account.");
        if (sendWhenDone) {
          if (form.requestSubmit) {
            form.requestSubmit();
          } else {
            form.submit();
          }
        }
      },
      function () {
        say("The check failed in this browser. Please reload the page to try again.");
      }
    );
  }

  if (typeof document !== "undefined") {
    document.querySelectorAll("input[data-captcha-pow]").forEach(attach);
  }
  if (typeof module !== "undefined" && module.exports) {
    module.exports = { solve: solve, leadingZeroBits: leadingZeroBits };
  }
})();

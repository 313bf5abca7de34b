/* Receipt authenticity check on the public look-up page (/r/<key>#<token>).
 *
 * The token rides in the URL fragment, which browsers never send to the server. This script
 * reads it, fetches the agency's published keys (/.well-known/jwks.json), verifies the ES256
 * compact JWS with WebCrypto (ECDSA P-256 / SHA-256, raw r||s signature) and checks that the
 * token names this dossier and this service. No external code, no inline script (strict CSP).
 */
(function () {
  "use strict";

  var root = document.getElementById("lookup");
  if (!root) {
    return;
  }
  var box = document.getElementById("authenticity");
  var title = document.getElementById("auth-title");
  var reason = document.getElementById("auth-reason");
  var texts = document.getElementById("auth-texts").dataset;

  function text(name) {
    return texts[name] || name;
  }

  function show(state, heading, detail, code) {
    box.setAttribute("data-state", state);
    if (code) {
      box.setAttribute("data-reason", code);
    }
    title.textContent = heading;
    reason.textContent = detail;
  }

  function Failure(code) {
    this.code = code;
  }

  function fail(code) {
    throw new Failure(code);
  }

  function base64UrlBytes(segment) {
    if (!/^[A-Za-z0-9_-]*$/.test(segment)) {
      fail("malformed");
    }
    var padded = segment.replace(/-/g, "+").replace(/_/g, "/");
    while (padded.length % 4) {
      padded += "=";
    }
    var binary;
    try {
      binary = atob(padded);
    } catch (e) {
      fail("malformed");
    }
    var out = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      out[i] = binary.charCodeAt(i);
    }
    return out;
  }

  function base64UrlText(bytes) {
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function jsonSegment(segment) {
    try {
      var value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(base64UrlBytes(segment)));
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        fail("malformed");
      }
      return value;
    } catch (e) {
      if (e instanceof Failure) {
        throw e;
      }
      fail("malformed");
    }
  }

  function readToken() {
    var token = decodeURIComponent(window.location.hash.replace(/^#/, "")).trim();
    if (!token) {
      fail("missing");
    }
    var parts = token.split(".");
    if (parts.length !== 3 || !parts[0] || !parts[1]) {
      fail("malformed");
    }
    return parts;
  }

  async function fetchKeys(fresh) {
    var response;
    try {
      response = await fetch(root.dataset.jwks, {
        credentials: "omit", headers: { Accept: "application/json" }, cache: fresh ? "no-cache" : "default"
      });
    } catch (e) {
      fail("network");
    }
    if (!response.ok) {
      fail("network");
    }
    var body = await response.json();
    return Array.isArray(body.keys) ? body.keys : [];
  }

  /* RFC 7638 thumbprint: the kid must name exactly this key. */
  async function thumbprint(jwk) {
    var canonical = '{"crv":"' + jwk.crv + '","kty":"' + jwk.kty + '","x":"' + jwk.x + '","y":"' + jwk.y + '"}';
    var digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical));
    return base64UrlText(new Uint8Array(digest));
  }

  function findKey(keys, kid) {
    for (var i = 0; i < keys.length; i++) {
      if (keys[i] && keys[i].kid === kid) {
        return keys[i];
      }
    }
    return null;
  }

  async function publicKey(kid) {
    var jwk = findKey(await fetchKeys(false), kid);
    if (!jwk) {
      /* The JWKS is cacheable for 5 minutes: a key made by a rotation since then is only in
       * a fresh copy. */
      jwk = findKey(await fetchKeys(true), kid);
    }
    if (!jwk || jwk.kty !== "EC" || jwk.crv !== "P-256" || (jwk.alg && jwk.alg !== "ES256")) {
      fail("unknown_key");
    }
    if ((await thumbprint(jwk)) !== kid) {
      fail("unknown_key");
    }
    try {
      return await crypto.subtle.importKey(
        "jwk", { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ext: true },
        { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    } catch (e) {
      fail("unknown_key");
    }
  }

  async function check() {
    var parts = readToken();
    var header = jsonSegment(parts[0]);
    if (header.alg !== "ES256") {
      fail("alg");
    }
    if (typeof header.kid !== "string" || !header.kid) {
      fail("unknown_key");
    }
    if (!window.crypto || !window.crypto.subtle) {
      fail("unsupported");
    }
    var key = await publicKey(header.kid);
    var signature = base64UrlBytes(parts[2]);
    if (signature.length !== 64) {
      fail("altered");
    }
    var signed = new TextEncoder().encode(parts[0] + "." + parts[1]);
    var valid = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, signed);
    if (!valid) {
      fail("altered");
    }
    var claims = jsonSegment(parts[1]);
    var issuer = (root.dataset.issuer || "").replace(/\/+$/, "");
    if (claims.sub !== root.dataset.code || typeof claims.iss !== "string" ||
        claims.iss.replace(/\/+$/, "") !== issuer) {
      fail("mismatch");
    }
    var revoked = (root.dataset.revoked || "").split(" ");
    if (claims.jti && revoked.indexOf(claims.jti) >= 0) {
      fail("revoked");
    }
    return claims;
  }

  var reasonText = {
    missing: "missing", malformed: "malformed", alg: "alg", unknown_key: "unknownKey",
    altered: "altered", mismatch: "mismatch", revoked: "revoked", unsupported: "unsupported",
    network: "network"
  };

  /* Keep the token when the page reloads itself (language switch, rating form): a redirect
   * without a fragment inherits the fragment of the URL that was requested. */
  function keepFragment() {
    if (!window.location.hash) {
      return;
    }
    var links = document.querySelectorAll(".lang a");
    for (var i = 0; i < links.length; i++) {
      links[i].setAttribute("href", links[i].getAttribute("href").split("#")[0] + window.location.hash);
    }
    var form = document.getElementById("rating-form");
    if (form) {
      form.setAttribute("action", form.getAttribute("action").split("#")[0] + window.location.hash);
    }
  }

  keepFragment();
  check().then(function () {
    show("ok", text("ok"), text("okReason"), "");
  }, function (error) {
    var code = error instanceof Failure ? error.code : "malformed";
    var heading = code === "revoked" ? text("revokedTitle") : text("fail");
    show(code === "revoked" ? "revoked" : "failed", heading, text(reasonText[code] || "malformed"), code);
  });
})();

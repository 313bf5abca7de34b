// A real, certified OpenID provider (npm `oidc-provider`) for motcua's SSO tests, on loopback only.
//
// Configured by environment (so a test can point the redirect URI at its own app port):
//   OIDC_PORT (or argv[2])        port to listen on (host OIDC_HOST, default 127.0.0.1)
//   OIDC_CLIENT_ID / OIDC_CLIENT_SECRET   the one confidential client
//   OIDC_REDIRECT_URIS            space- or comma-separated redirect URIs
//   OIDC_POST_LOGOUT_REDIRECT_URIS  same, for RP-initiated logout
// The login page accepts any login name (no password check): the name is the account id, and the
// accounts below give it claims. Pages are self-contained HTML so nothing leaves the machine.
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT || process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: OIDC_PORT=<port> node provider.js  (or node provider.js <port>)');
  process.exit(2);
}
const host = process.env.OIDC_HOST || '127.0.0.1';
const issuer = `http://${host}:${port}`;
const splitList = (value) => (value || '').split(/[\s,]+/).filter(Boolean);

// Test accounts. `userinfoOnly` claims are released by the userinfo endpoint but never put in
// the ID token, the way many real providers behave (motcua must read both).
const ACCOUNTS = {
  officer1: { name: 'Nguyễn Văn Cán Bộ', roles: ['motcua-officer'] },
  super1: { name: 'Trần Thị Giám Sát', roles: ['motcua-supervisor'], groups: ['motcua-supervisor'] },
  admin1: { name: 'Lê Quản Trị', roles: ['motcua-admin'] },
  uinfo1: { name: 'Phạm Chỉ Userinfo', userinfoOnly: { roles: ['motcua-officer'] } },
  norole: { name: 'Không Có Vai Trò' },
};

function accountClaims(accountId, use) {
  const account = ACCOUNTS[accountId] || { name: accountId };
  const claims = {
    sub: accountId,
    name: account.name,
    preferred_username: accountId,
    email: `${accountId}@example.test`,
  };
  if (account.roles) claims.roles = account.roles;
  if (account.groups) claims.groups = account.groups;
  if (use === 'userinfo' && account.userinfoOnly) Object.assign(claims, account.userinfoOnly);
  return claims;
}

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };
}

const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;

const configuration = {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID || 'motcua-test',
    client_secret: process.env.OIDC_CLIENT_SECRET || randomBytes(24).toString('hex'),
    redirect_uris: splitList(process.env.OIDC_REDIRECT_URIS),
    post_logout_redirect_uris: splitList(process.env.OIDC_POST_LOGOUT_REDIRECT_URIS),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  jwks: { keys: [signingKey()] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  // Scope claims go into the ID token as well as userinfo, so an account whose roles are only in
  // userinfo (uinfo1) really differs from the others.
  conformIdTokenClaims: false,
  scopes: ['openid', 'profile', 'email', 'roles', 'groups'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username', 'roles', 'groups'],
    email: ['email'],
    roles: ['roles'],
    groups: ['groups'],
  },
  async findAccount(_ctx, id) {
    return { accountId: id, claims: async (use) => accountClaims(id, use) };
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Đăng xuất / Sign out', `${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out', '<p>Your sign-out was successful.</p>');
      },
    },
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Provider error', `<pre id="error">${escapeHtml(JSON.stringify(out))}</pre>`);
  },
};

const provider = new Provider(issuer, configuration);

function loginPage(uid, clientId) {
  return page('Sign-in', `<p>Client: ${escapeHtml(clientId)}</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
  <label>Login <input type="text" name="login" required autofocus></label>
  <label>Password <input type="password" name="password"></label>
  <button type="submit" class="login-submit">Sign-in</button>
</form>`);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16384) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// First-party client: consent is granted automatically for whatever was requested.
async function grantConsent(req, res, details) {
  const { prompt: { details: missing }, params, session: { accountId } } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes || {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  const consent = details.grantId ? {} : { grantId };
  await provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
}

async function handleInteraction(req, res, isLoginPost) {
  const details = await provider.interactionDetails(req, res);
  if (isLoginPost && req.method === 'POST') {
    const login = ((await readForm(req)).get('login') || '').trim();
    if (!login) {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(loginPage(details.uid, details.params.client_id));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    return;
  }
  if (details.prompt.name === 'login') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(loginPage(details.uid, details.params.client_id));
    return;
  }
  await grantConsent(req, res, details);
}

const callback = provider.callback();
const server = createServer((req, res) => {
  const match = /^\/interaction\/[A-Za-z0-9_-]+(\/login)?$/.exec(new URL(req.url, issuer).pathname);
  if (!match) {
    callback(req, res);
    return;
  }
  handleInteraction(req, res, Boolean(match[1])).catch((err) => {
    res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page('Interaction error', `<pre id="error">${escapeHtml(err.name)}: ${escapeHtml(err.message)}</pre>`));
  });
});

server.listen(port, host, () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

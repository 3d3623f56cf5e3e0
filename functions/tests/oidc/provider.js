// A real OpenID provider for the sign-in tests of the functions crate.
//
//   node provider.js PORT [REDIRECT_URI]
//
// Listens on 127.0.0.1:PORT (issuer http://127.0.0.1:PORT) with one
// confidential client that must use PKCE, and signs everyone in as one test
// account without asking: its interaction page approves login and consent at
// once. Prints "ready" when it accepts connections. Environment overrides:
// OIDC_PORT, OIDC_REDIRECT_URI, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,
// OIDC_ACCOUNT_EMAIL (the account's e-mail), OIDC_ACCOUNT_SUB.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.argv[2] || process.env.OIDC_PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node provider.js PORT [REDIRECT_URI]');
  process.exit(2);
}
const redirectUri =
  process.argv[3] || process.env.OIDC_REDIRECT_URI || 'http://localhost:8080/auth/callback';
const clientId = process.env.OIDC_CLIENT_ID || 'duos-test';
const clientSecret = process.env.OIDC_CLIENT_SECRET || 'duos-test-secret-duos-test-secret';
const accountSub = process.env.OIDC_ACCOUNT_SUB || 'user-ada';
const accountEmail = process.env.OIDC_ACCOUNT_EMAIL || 'ada@example.org';
const issuer = `http://127.0.0.1:${port}`;

// A fresh signing key for every run.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' };

const configuration = {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
  ],
  pkce: { required: () => true },
  jwks: { keys: [signingKey] },
  cookies: { keys: ['duos-oidc-test-cookie-key'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  features: {
    devInteractions: { enabled: false },
  },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: accountEmail, email_verified: true, name: 'Test Member' };
      },
    };
  },
};

const provider = new Provider(issuer, configuration);

// The interaction page: approve login, then consent, without a form.
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([^/]+)$/.exec(ctx.path);
  if (!match || ctx.method !== 'GET') {
    await next();
    return;
  }
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { prompt, params, session } = details;
  if (prompt.name === 'login') {
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { login: { accountId: accountSub } },
      { mergeWithLastSubmission: false },
    );
    ctx.respond = false;
    return;
  }
  if (prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    if (missing.missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
    }
    const grantId = await grant.save();
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
    ctx.respond = false;
    return;
  }
  ctx.status = 400;
  ctx.body = `unexpected prompt ${prompt.name}`;
});

const server = provider.listen(port, '127.0.0.1', () => {
  console.log('ready');
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}

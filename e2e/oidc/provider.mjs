// A real, certified OpenID Connect provider (the `oidc-provider` package) for motcua's tests:
// the stand-in for VNeID or the national portal's SSO. Not an imitation: discovery, JWKS,
// signed ID tokens, PKCE, state and nonce handling are the package's own.
//
// Only the provider's *login screen* is automated: instead of asking a person, the interaction
// endpoint signs in "the current test account" and grants consent. Tests choose that account
// with `POST /test/account` (JSON claims: sub, email, email_verified, name, so_dinh_danh).
//
// Usage: OIDC_REDIRECT_URI=http://127.0.0.1:PORT/dang-nhap/oidc/test/callback \
//        node e2e/oidc/provider.mjs
// Environment: OIDC_PORT (default 0: any free port), OIDC_CLIENT_ID, OIDC_CLIENT_SECRET.
// Prints one line `READY <issuer>` on standard output once it listens.
import { createServer } from "node:http";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import Provider from "oidc-provider";

const redirectUri = process.env.OIDC_REDIRECT_URI;
if (!redirectUri) {
  console.error("OIDC_REDIRECT_URI is required");
  process.exit(2);
}
const clientId = process.env.OIDC_CLIENT_ID || "motcua-test";
const clientSecret = process.env.OIDC_CLIENT_SECRET || "motcua-test-secret";

let current = {
  sub: "vneid-0001",
  email: "nguoi.dan@example.vn",
  email_verified: true,
  name: "Nguyễn Thị Hồng",
  so_dinh_danh: "001203004567",
};

// A signing key made at start-up (no development keys, no files).
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: "motcua-test", use: "sig", alg: "RS256" };

const server = createServer();
await new Promise((resolve) => server.listen(Number(process.env.OIDC_PORT || 0), "127.0.0.1", resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  }],
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(32).toString("hex")] },
  pkce: { required: () => true },
  scopes: ["openid", "email", "profile", "citizen"],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name"],
    citizen: ["so_dinh_danh"],
  },
  // Put the scopes' claims in the ID token (what motcua reads).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return current.sub === id ? { ...current } : { sub: id };
      },
    };
  },
});
// The provider's own error pages and logs stay quiet unless debugging.
provider.on("server_error", (ctx, err) => console.error("oidc-provider server_error:", err));

const callback = provider.callback();

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === "login") {
    await provider.interactionFinished(req, res, { login: { accountId: current.sub } },
      { mergeWithLastSubmission: false });
    return;
  }
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

server.on("request", async (req, res) => {
  try {
    if (req.method === "POST" && req.url === "/test/account") {
      let body = "";
      for await (const chunk of req) body += chunk;
      current = JSON.parse(body);
      res.writeHead(204).end();
    } else if (req.url.startsWith("/interaction/")) {
      await interaction(req, res);
    } else {
      callback(req, res);
    }
  } catch (err) {
    console.error(err);
    if (!res.headersSent) res.writeHead(500).end(String(err));
  }
});

console.log(`READY ${issuer}`);

//! A generic OpenID Connect client (authorization code flow with PKCE, `state` and `nonce`),
//! for VNeID, the national portal's SSO, or any certified provider.
//!
//! The verbose `openidconnect` types stay in this module. Provider metadata and signing keys
//! come from discovery, fetched on first use (an unreachable provider must not stop the portal
//! from starting) and refreshed hourly. HTTP goes through our own `reqwest` client (rustls with
//! the ring provider; no redirects followed, so a provider cannot bounce requests elsewhere).

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use jiff::Timestamp;
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields,
    HttpRequest, HttpResponse, IdTokenFields, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, StandardErrorResponse, StandardTokenResponse,
    TokenResponse,
    core::{
        CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
        CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm, CoreProviderMetadata, CoreRevocableToken,
        CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
    },
};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

use super::config::OidcProviderConfig;

/// How long discovered metadata and keys are trusted before being fetched again.
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// Largest response accepted from a provider.
const MAX_RESPONSE: usize = 1024 * 1024;

/// Claims beyond the standard ones (e.g. a personal identification number), kept as JSON.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExtraClaims(HashMap<String, serde_json::Value>);
impl AdditionalClaims for ExtraClaims {}

type TokenFields = IdTokenFields<
    ExtraClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type Tokens = StandardTokenResponse<TokenFields, CoreTokenType>;
type Client = openidconnect::Client<
    ExtraClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// Why a login through a provider failed. The message is for the log, never for the user
/// (who gets one generic sentence).
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// No provider of that name is configured.
    #[error("unknown identity provider")]
    UnknownProvider,
    /// Discovery, the token request or verification failed.
    #[error("{0}")]
    Provider(String),
    /// The ID token does not carry the nonce of this login: a replayed or injected token.
    #[error("ID token: the nonce does not match this login")]
    NonceMismatch,
}

/// A verification failure of the ID token, typed where the caller reacts to it.
fn claims_error(e: &openidconnect::ClaimsVerificationError) -> OidcError {
    match e {
        openidconnect::ClaimsVerificationError::InvalidNonce(_) => OidcError::NonceMismatch,
        other => OidcError::Provider(format!("ID token: {other}")),
    }
}

impl From<VerifiedIdentity> for motcua_service::accounts::ExternalClaims {
    fn from(v: VerifiedIdentity) -> Self {
        Self {
            issuer: v.issuer,
            subject: v.subject,
            email: v.email,
            email_verified: v.email_verified,
            name: v.name,
            citizen_id: v.citizen_id,
        }
    }
}

/// Our `reqwest` client as `openidconnect`'s HTTP client.
struct Http<'a>(&'a reqwest::Client);

impl<'c> openidconnect::AsyncHttpClient<'c> for Http<'_> {
    type Error = HttpError;
    type Future =
        std::pin::Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        let http = self.0.clone();
        Box::pin(call(http, request))
    }
}

async fn call(http: reqwest::Client, request: HttpRequest) -> Result<HttpResponse, HttpError> {
    let (parts, body) = request.into_parts();
    let response = http
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await
        .map_err(|e| HttpError(e.to_string()))?;
    let mut out = openidconnect::http::Response::builder().status(response.status());
    for (k, v) in response.headers() {
        out = out.header(k, v);
    }
    let bytes = response
        .bytes()
        .await
        .map_err(|e| HttpError(e.to_string()))?;
    if bytes.len() > MAX_RESPONSE {
        return Err(HttpError("response too large".to_owned()));
    }
    out.body(bytes.to_vec())
        .map_err(|e| HttpError(e.to_string()))
}

/// The transport error of our HTTP adapter.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(String);

/// What a provider vouched for, after the ID token's signature, issuer, audience, expiry and
/// nonce were verified.
#[derive(Clone)]
pub struct VerifiedIdentity {
    /// Issuer URL.
    pub issuer: String,
    /// The provider's stable id of the person.
    pub subject: String,
    /// E-mail address claimed.
    pub email: Option<String>,
    /// Whether the provider says it verified that address (absent counts as no).
    pub email_verified: bool,
    /// Name.
    pub name: Option<String>,
    /// Personal identification number, from the configured claim.
    pub citizen_id: Option<String>,
}

impl std::fmt::Debug for VerifiedIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedIdentity")
            .field("issuer", &self.issuer)
            .field("email_verified", &self.email_verified)
            .finish_non_exhaustive()
    }
}

/// A login started: where to send the browser, and the secrets to keep for the return.
#[derive(Debug)]
pub struct Started {
    /// The provider's authorization URL with our parameters.
    pub url: String,
    /// PKCE verifier.
    pub pkce_verifier: String,
}

/// The configured providers.
#[derive(Debug)]
pub struct Providers {
    configs: Vec<OidcProviderConfig>,
    http: reqwest::Client,
    cache: RwLock<HashMap<String, (Arc<CoreProviderMetadata>, Instant)>>,
}

impl Providers {
    /// Providers with their HTTP client.
    pub fn new(configs: Vec<OidcProviderConfig>) -> Result<Self, OidcError> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| OidcError::Provider(format!("HTTP client: {e}")))?;
        Ok(Self {
            configs,
            http,
            cache: RwLock::new(HashMap::new()),
        })
    }

    /// The configured providers, in button order.
    pub fn list(&self) -> &[OidcProviderConfig] {
        &self.configs
    }

    /// One provider.
    pub fn get(&self, name: &str) -> Option<&OidcProviderConfig> {
        self.configs.iter().find(|c| c.name == name)
    }

    async fn metadata(
        &self,
        config: &OidcProviderConfig,
        refresh: bool,
    ) -> Result<Arc<CoreProviderMetadata>, OidcError> {
        if !refresh
            && let Some((m, at)) = self.cache.read().await.get(&config.name)
            && at.elapsed() < METADATA_TTL
        {
            return Ok(m.clone());
        }
        let issuer = IssuerUrl::new(config.issuer.clone())
            .map_err(|e| OidcError::Provider(format!("issuer URL: {e}")))?;
        let http = Http(&self.http);
        let metadata = CoreProviderMetadata::discover_async(issuer, &http)
            .await
            .map_err(|e| OidcError::Provider(format!("discovery: {e}")))?;
        let metadata = Arc::new(metadata);
        self.cache
            .write()
            .await
            .insert(config.name.clone(), (metadata.clone(), Instant::now()));
        Ok(metadata)
    }

    fn client(
        metadata: &CoreProviderMetadata,
        config: &OidcProviderConfig,
        redirect_uri: &str,
    ) -> Result<Client, OidcError> {
        Ok(Client::from_provider_metadata(
            metadata.clone(),
            ClientId::new(config.client_id.clone()),
            Some(ClientSecret::new(config.client_secret.clone())),
        )
        .set_redirect_uri(
            RedirectUrl::new(redirect_uri.to_owned())
                .map_err(|e| OidcError::Provider(format!("redirect URI: {e}")))?,
        ))
    }

    /// Starts a login: the authorization URL carrying `state`, `nonce` and a PKCE challenge.
    pub async fn begin(
        &self,
        name: &str,
        redirect_uri: &str,
        state: &str,
        nonce: &str,
    ) -> Result<Started, OidcError> {
        let config = self.get(name).ok_or(OidcError::UnknownProvider)?;
        let metadata = self.metadata(config, false).await?;
        let client = Self::client(&metadata, config, redirect_uri)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state = state.to_owned();
        let nonce = nonce.to_owned();
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            move || CsrfToken::new(state),
            move || Nonce::new(nonce),
        );
        for s in &config.scopes {
            request = request.add_scope(Scope::new(s.clone()));
        }
        let (url, _, _) = request.set_pkce_challenge(challenge).url();
        Ok(Started {
            url: url.to_string(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Completes a login: exchanges the code (with the PKCE verifier) and verifies the ID token
    /// against the provider's keys, our client id, `nonce`, and `now`.
    pub async fn finish(
        &self,
        name: &str,
        redirect_uri: &str,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
        now: Timestamp,
    ) -> Result<VerifiedIdentity, OidcError> {
        let config = self.get(name).ok_or(OidcError::UnknownProvider)?;
        let metadata = self.metadata(config, false).await?;
        let client = Self::client(&metadata, config, redirect_uri)?;
        let http = Http(&self.http);
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Provider(format!("token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&http)
            .await
            .map_err(|e| OidcError::Provider(format!("code exchange: {e}")))?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| OidcError::Provider("no ID token in the response".to_owned()))?;
        let now_us = now.as_microsecond();
        let time = move || chrono::DateTime::from_timestamp_micros(now_us).unwrap_or_default();
        let verify = |client: &Client| {
            id_token
                .claims(
                    &client.id_token_verifier().set_time_fn(time),
                    &Nonce::new(nonce.to_owned()),
                )
                .cloned()
        };
        let claims = match verify(&client) {
            Ok(c) => c,
            // The provider may have rotated its keys since discovery: fetch them once more.
            Err(openidconnect::ClaimsVerificationError::SignatureVerification(_)) => {
                let fresh = self.metadata(config, true).await?;
                verify(&Self::client(&fresh, config, redirect_uri)?)
                    .map_err(|e| claims_error(&e))?
            }
            Err(e) => return Err(claims_error(&e)),
        };
        let citizen_id = config.citizen_id_claim.as_ref().and_then(|c| {
            claims
                .additional_claims()
                .0
                .get(c)
                .and_then(|v| v.as_str().map(str::to_owned))
        });
        Ok(VerifiedIdentity {
            issuer: claims.issuer().to_string(),
            subject: claims.subject().to_string(),
            email: claims.email().map(|e| e.to_string()),
            email_verified: claims.email_verified().unwrap_or(false),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string()),
            citizen_id,
        })
    }
}

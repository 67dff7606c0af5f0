//! Applicants' accounts: registration, e-mail verification, password reset, and signing in
//! through an OpenID Connect provider (linking or creating the account). The pages are thin
//! over these functions; the rules about what may be revealed live here.
//!
//! Uniform answers: registration and password reset by e-mail always answer "we sent you a
//! mail" (an address that already has an account gets a mail saying so instead of a new
//! account), so the forms cannot be used to find out who is registered. Registration by phone
//! cannot be made uniform without an SMS channel: a taken number is reported, and
//! registrations are rate-limited per client.

use std::sync::Arc;

use jiff::Timestamp;
use motcua_core::{
    audit::Outcome,
    dossier::FieldError,
    identity::credentials::{LoginId, check_new_password, normalize_citizen_id, normalize_email},
    text::{char_len, clean_line},
};
use motcua_store::{
    AuditStore, Conflict, ExternalIdentity, NewMail, NewOneTimeToken, NewUser, OutboxStore,
    StoreError, ThrottlePolicy, ThrottleStore, TokenPurpose, User, UserKind, UserStore,
};
use tokio::sync::Notify;

use crate::{
    actor::{RequestContext, record},
    crypto::{random_token, sha256_hex},
    error::{ServiceError, ServiceResult},
    passwords::Passwords,
};

/// The storage accounts need.
pub trait AccountDeps: UserStore + ThrottleStore + OutboxStore + AuditStore {}

impl<T: UserStore + ThrottleStore + OutboxStore + AuditStore + ?Sized> AccountDeps for T {}

/// A mail about an account. The secret tokens are handed to the renderer, which turns them
/// into links to its own pages.
#[derive(Debug, Clone)]
pub enum AccountMail {
    /// "Open this link to activate your account."
    Verify {
        /// The account's name.
        name: String,
        /// The verification token.
        token: String,
        /// Hours the link works.
        hours: i64,
    },
    /// "Open this link to set a new password."
    Reset {
        /// The account's name.
        name: String,
        /// The reset token.
        token: String,
        /// Minutes the link works.
        minutes: i64,
    },
    /// "This address already has an account" (or: the identity number is taken).
    AlreadyRegistered {
        /// Whether the identity number, not the address, is what is taken.
        citizen_id_taken: bool,
    },
}

/// Renders account mails (the web layer's templates: an operator may reword them).
pub trait AccountMails: Send + Sync {
    /// The mail to `to`, queued at `now`.
    fn render(&self, mail: &AccountMail, to: &str, now: Timestamp) -> ServiceResult<NewMail>;
}

/// Limits and lifetimes.
#[derive(Debug, Clone, Copy)]
pub struct AccountPolicy {
    /// Registrations per client address.
    pub register_ip: ThrottlePolicy,
    /// Password-reset requests per address asked for (every request counts).
    pub reset_account: ThrottlePolicy,
    /// Password-reset requests per client address.
    pub reset_ip: ThrottlePolicy,
    /// Hours an e-mail verification link works.
    pub verify_token_hours: i64,
    /// Minutes a password-reset link works.
    pub reset_token_minutes: i64,
}

/// What a person fills in to register.
#[derive(Debug, Clone, Default)]
pub struct Registration {
    /// Full name.
    pub name: String,
    /// An e-mail address or a mobile number.
    pub contact: String,
    /// Personal identification number (optional).
    pub citizen_id: String,
    /// Password.
    pub password: String,
    /// The password again.
    pub password2: String,
}

/// How a registration ended.
#[derive(Debug, Clone)]
pub enum Registered {
    /// A mail went to the address (a verification link, or "you already have an account").
    MailSent,
    /// A phone account was created and may sign in at once.
    SignedUp(Box<User>),
}

/// What a provider vouched for after verifying its ID token.
#[derive(Debug, Clone, Default)]
pub struct ExternalClaims {
    /// Issuer.
    pub issuer: String,
    /// Subject at the issuer.
    pub subject: String,
    /// E-mail address, if given.
    pub email: Option<String>,
    /// Whether the provider verified it.
    pub email_verified: bool,
    /// Name, if given.
    pub name: Option<String>,
    /// Personal identification number (from the configured claim).
    pub citizen_id: Option<String>,
}

/// Why a provider identity cannot sign in (the audit reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalRefusal {
    /// The account is disabled.
    AccountDisabled,
    /// The address belongs to an official (officials sign in with password and second factor).
    OfficialAccount,
    /// The local account never proved the address: linking would hand it to whoever made it.
    LocalEmailUnverified,
    /// The identity number belongs to another account.
    IdentityConflict,
}

impl ExternalRefusal {
    /// Stable code for the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccountDisabled => "account_disabled",
            Self::OfficialAccount => "official_account",
            Self::LocalEmailUnverified => "local_email_unverified",
            Self::IdentityConflict => "identity_conflict",
        }
    }
}

/// The accounts service.
pub struct AccountService<S: ?Sized> {
    store: Arc<S>,
    passwords: Passwords,
    mails: Arc<dyn AccountMails>,
    policy: AccountPolicy,
    wake: Arc<Notify>,
}

impl<S: ?Sized> std::fmt::Debug for AccountService<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountService")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl<S: ?Sized> Clone for AccountService<S> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            passwords: self.passwords.clone(),
            mails: Arc::clone(&self.mails),
            policy: self.policy,
            wake: Arc::clone(&self.wake),
        }
    }
}

fn plus_seconds(at: Timestamp, seconds: i64) -> ServiceResult<Timestamp> {
    Timestamp::from_second(at.as_second() + seconds).map_err(ServiceError::internal)
}

/// Seconds from `now` to `until`, at least one.
fn retry_after(until: Timestamp, now: Timestamp) -> i64 {
    (until.as_second() - now.as_second()).max(1)
}

impl<S: ?Sized + AccountDeps + 'static> AccountService<S> {
    /// A service over `store`; `wake` is notified when a mail was queued.
    pub fn new(
        store: Arc<S>,
        passwords: Passwords,
        mails: Arc<dyn AccountMails>,
        policy: AccountPolicy,
        wake: Arc<Notify>,
    ) -> Self {
        Self {
            store,
            passwords,
            mails,
            policy,
            wake,
        }
    }

    /// Throttles an action per key: refuses while locked, else counts this attempt.
    async fn throttle(
        &self,
        keys: &[(String, ThrottlePolicy)],
        now: Timestamp,
    ) -> ServiceResult<()> {
        let names: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
        if let Some(until) = self.store.locked_until(&names, now).await? {
            return Err(ServiceError::TooManyRequests {
                retry_after: retry_after(until, now),
            });
        }
        for (key, policy) in keys {
            self.store.record_failure(key, policy, now).await?;
        }
        Ok(())
    }

    /// Registers an applicant with an e-mail address (a verification mail) or a phone number
    /// (signed up at once). Every invalid field is reported at once.
    pub async fn register(
        &self,
        ctx: &RequestContext,
        now: Timestamp,
        form: Registration,
    ) -> ServiceResult<Registered> {
        let name = clean_line(&form.name);
        let mut errors = Vec::new();
        if !(2..=100).contains(&char_len(&name)) {
            errors.push(FieldError::new(
                "name",
                "Hãy nhập họ và tên (2 đến 100 ký tự).",
            ));
        }
        let login = LoginId::parse(&form.contact).filter(|l| !matches!(l, LoginId::Username(_)));
        if login.is_none() {
            errors.push(FieldError::new(
                "contact",
                "Hãy nhập địa chỉ email hoặc số điện thoại di động (ví dụ 0912 345 678).",
            ));
        }
        let citizen_id = if form.citizen_id.trim().is_empty() {
            None
        } else {
            let c = normalize_citizen_id(&form.citizen_id);
            if c.is_none() {
                errors.push(FieldError::new(
                    "citizen_id",
                    "Số định danh cá nhân gồm đúng 12 chữ số.",
                ));
            }
            c
        };
        if let Err(p) = check_new_password(&form.password, login.as_ref()) {
            errors.push(FieldError::new(
                "password",
                format!("Mật khẩu chưa đạt: {p}."),
            ));
        } else if form.password != form.password2 {
            errors.push(FieldError::new(
                "password2",
                "Hai lần nhập mật khẩu không khớp.",
            ));
        }
        let (Some(login), true) = (login, errors.is_empty()) else {
            return Err(ServiceError::Invalid(errors));
        };
        self.throttle(
            &[(
                format!("register:ip:{}", ctx.ip_key()),
                self.policy.register_ip,
            )],
            now,
        )
        .await?;
        let password_hash = self
            .passwords
            .hash(&form.password)
            .await
            .map_err(ServiceError::internal)?;
        let id = uuid::Uuid::now_v7().to_string();
        let mut user = NewUser {
            id: id.clone(),
            kind: UserKind::Applicant,
            username: None,
            email: None,
            email_verified: false,
            phone: None,
            citizen_id,
            display_name: name,
            password_hash: Some(password_hash),
            agency_id: None,
            created_at: now,
        };
        let registered = |channel: &str| {
            ctx.event(
                now,
                format!("user:{id}"),
                "account.register",
                Outcome::Success,
            )
            .subject(format!("user:{id}"))
            .with("channel", channel)
        };
        match login {
            LoginId::Email(email) => {
                if let Some(existing) = self
                    .store
                    .user_by_login(&LoginId::Email(email.clone()))
                    .await?
                {
                    self.send(
                        &AccountMail::AlreadyRegistered {
                            citizen_id_taken: false,
                        },
                        &email,
                        now,
                    )
                    .await?;
                    let event = ctx
                        .event(
                            now,
                            "anonymous",
                            "account.register_existing",
                            Outcome::Failure,
                        )
                        .subject(format!("user:{}", existing.id));
                    record(&*self.store, &event).await;
                    return Ok(Registered::MailSent);
                }
                user.email = Some(email.clone());
                let hours = self.policy.verify_token_hours;
                let (ott, m) = self.one_time_link(
                    &id,
                    TokenPurpose::VerifyEmail,
                    hours * 3600,
                    |token| AccountMail::Verify {
                        name: user.display_name.clone(),
                        token,
                        hours,
                    },
                    &email,
                    now,
                )?;
                match self
                    .store
                    .create_user(&user, Some((&ott, &m)), &registered("email"))
                    .await
                {
                    Ok(()) => self.wake.notify_one(),
                    // The address was free a moment ago, so the identity number is what is
                    // taken. Say so by mail, to the address's owner only.
                    Err(StoreError::Conflict(_)) => {
                        self.send(
                            &AccountMail::AlreadyRegistered {
                                citizen_id_taken: true,
                            },
                            &email,
                            now,
                        )
                        .await?;
                    }
                    Err(e) => return Err(e.into()),
                }
                Ok(Registered::MailSent)
            }
            LoginId::Phone(phone) => {
                user.phone = Some(phone);
                match self
                    .store
                    .create_user(&user, None, &registered("phone"))
                    .await
                {
                    Ok(()) => {}
                    Err(StoreError::Conflict(Conflict::Taken(_))) => {
                        return Err(ServiceError::Conflict(
                            "Số điện thoại hoặc số định danh này đã được dùng cho một tài khoản. \
                             Hãy đăng nhập, hoặc liên hệ bộ phận một cửa nếu bạn không đăng ký."
                                .to_owned(),
                        ));
                    }
                    Err(e) => return Err(e.into()),
                }
                let stored = self
                    .store
                    .user(&id)
                    .await?
                    .ok_or_else(|| ServiceError::internal("account vanished"))?;
                Ok(Registered::SignedUp(Box::new(stored)))
            }
            LoginId::Username(_) => Err(ServiceError::internal(
                "user names are not offered at registration",
            )),
        }
    }

    /// A single-use link for `user_id`, valid `lifetime` seconds: the token to store (its hash
    /// only) and the mail `mail` makes of the token, to `to`.
    fn one_time_link(
        &self,
        user_id: &str,
        purpose: TokenPurpose,
        lifetime: i64,
        mail: impl FnOnce(String) -> AccountMail,
        to: &str,
        now: Timestamp,
    ) -> ServiceResult<(NewOneTimeToken, NewMail)> {
        let token = random_token().map_err(ServiceError::internal)?;
        let ott = NewOneTimeToken {
            token_hash: sha256_hex(&token),
            user_id: user_id.to_owned(),
            purpose,
            created_at: now,
            expires_at: plus_seconds(now, lifetime)?,
        };
        let m = self.mails.render(&mail(token), to, now)?;
        Ok((ott, m))
    }

    async fn send(&self, mail: &AccountMail, to: &str, now: Timestamp) -> ServiceResult<()> {
        let m = self.mails.render(mail, to, now)?;
        self.store.enqueue_mail(&m).await?;
        self.wake.notify_one();
        Ok(())
    }

    /// Asks for a password-reset link. The same answer whether or not the address has an
    /// account; every request counts towards the limits, found or not.
    pub async fn request_password_reset(
        &self,
        ctx: &RequestContext,
        now: Timestamp,
        input: &str,
    ) -> ServiceResult<()> {
        let Some(email) = normalize_email(input) else {
            return Err(ServiceError::invalid(
                "email",
                "Hãy nhập địa chỉ email đã dùng để đăng ký.",
            ));
        };
        self.throttle(
            &[
                (
                    format!("reset:acct:{}", sha256_hex(&email)),
                    self.policy.reset_account,
                ),
                (format!("reset:ip:{}", ctx.ip_key()), self.policy.reset_ip),
            ],
            now,
        )
        .await?;
        let user = self
            .store
            .user_by_login(&LoginId::Email(email.clone()))
            .await?;
        match user.filter(|u| u.disabled_at.is_none()) {
            Some(user) => {
                let minutes = self.policy.reset_token_minutes;
                let (ott, m) = self.one_time_link(
                    &user.id,
                    TokenPurpose::PasswordReset,
                    minutes * 60,
                    |token| AccountMail::Reset {
                        name: user.display_name.clone(),
                        token,
                        minutes,
                    },
                    &email,
                    now,
                )?;
                let event = ctx
                    .event(
                        now,
                        "anonymous",
                        "password.reset_requested",
                        Outcome::Success,
                    )
                    .subject(format!("user:{}", user.id));
                self.store.issue_one_time_token(&ott, &m, &event).await?;
                self.wake.notify_one();
            }
            None => {
                let event = ctx
                    .event(
                        now,
                        "anonymous",
                        "password.reset_requested",
                        Outcome::Failure,
                    )
                    .with("reason", "unknown_account");
                record(&*self.store, &event).await;
            }
        }
        Ok(())
    }

    /// Sets a new password with a reset link's token (single use); every session of the
    /// account ends.
    pub async fn reset_password(
        &self,
        ctx: &RequestContext,
        now: Timestamp,
        token: &str,
        password: &str,
        password2: &str,
    ) -> ServiceResult<()> {
        if let Err(p) = check_new_password(password, None) {
            return Err(ServiceError::invalid(
                "password",
                format!("Mật khẩu chưa đạt: {p}."),
            ));
        }
        if password != password2 {
            return Err(ServiceError::invalid(
                "password2",
                "Hai lần nhập mật khẩu không khớp.",
            ));
        }
        let hash = self
            .passwords
            .hash(password)
            .await
            .map_err(ServiceError::internal)?;
        let event = ctx.event(now, "anonymous", "password.reset", Outcome::Success);
        match self
            .store
            .reset_password_with_token(&sha256_hex(token), &hash, now, &event)
            .await?
        {
            Some(_) => Ok(()),
            None => {
                let event = ctx
                    .event(now, "anonymous", "password.reset", Outcome::Failure)
                    .with("reason", "invalid_or_used_token");
                record(&*self.store, &event).await;
                Err(invalid_link())
            }
        }
    }

    /// Verifies an e-mail address with its link's token (single use).
    pub async fn verify_email(
        &self,
        ctx: &RequestContext,
        now: Timestamp,
        token: &str,
    ) -> ServiceResult<()> {
        let event = ctx.event(now, "anonymous", "email.verify", Outcome::Success);
        match self
            .store
            .verify_email_with_token(&sha256_hex(token), now, &event)
            .await?
        {
            Some(_) => Ok(()),
            None => Err(invalid_link()),
        }
    }

    /// The account a verified provider identity signs into, linking or creating one.
    ///
    /// Linking happens only on proof: an existing link (issuer + subject), or an e-mail
    /// address that **both** the provider marks verified **and** the local account has
    /// verified. An unverified claim is never used to link, and officials are never linked
    /// (they sign in with their password and second factor).
    pub async fn external_account(
        &self,
        ctx: &RequestContext,
        now: Timestamp,
        provider: &str,
        claims: &ExternalClaims,
    ) -> ServiceResult<Result<User, ExternalRefusal>> {
        let external = ExternalIdentity {
            issuer: claims.issuer.clone(),
            subject: claims.subject.clone(),
            provider: provider.to_owned(),
        };
        if let Some(user) = self
            .store
            .user_by_external(&claims.issuer, &claims.subject)
            .await?
        {
            if user.disabled_at.is_some() {
                return Ok(Err(ExternalRefusal::AccountDisabled));
            }
            return Ok(Ok(user));
        }
        let verified_email = claims
            .email
            .as_deref()
            .filter(|_| claims.email_verified)
            .and_then(normalize_email);
        if let Some(email) = &verified_email
            && let Some(user) = self
                .store
                .user_by_login(&LoginId::Email(email.clone()))
                .await?
        {
            if user.kind == UserKind::Official {
                return Ok(Err(ExternalRefusal::OfficialAccount));
            }
            if !user.email_verified {
                return Ok(Err(ExternalRefusal::LocalEmailUnverified));
            }
            if user.disabled_at.is_some() {
                return Ok(Err(ExternalRefusal::AccountDisabled));
            }
            let event = ctx
                .event(
                    now,
                    format!("user:{}", user.id),
                    "account.link",
                    Outcome::Success,
                )
                .subject(format!("user:{}", user.id))
                .with("provider", provider)
                .with("by", "verified_email");
            self.store
                .link_external(&external, &user.id, false, now, &event)
                .await?;
            return Ok(Ok(user));
        }
        let id = uuid::Uuid::now_v7().to_string();
        let name = claims
            .name
            .as_deref()
            .map(clean_line)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "Người dùng".to_owned());
        let new = NewUser {
            id: id.clone(),
            kind: UserKind::Applicant,
            username: None,
            email_verified: verified_email.is_some(),
            email: verified_email,
            phone: None,
            citizen_id: claims.citizen_id.as_deref().and_then(normalize_citizen_id),
            display_name: name.chars().take(100).collect(),
            password_hash: None,
            agency_id: None,
            created_at: now,
        };
        let event = ctx
            .event(
                now,
                format!("user:{id}"),
                "account.register",
                Outcome::Success,
            )
            .subject(format!("user:{id}"))
            .with("channel", "oidc")
            .with("provider", provider);
        match self
            .store
            .create_user_with_external(&new, &external, &event)
            .await
        {
            Ok(()) => {}
            Err(StoreError::Conflict(Conflict::Taken(_))) => {
                return Ok(Err(ExternalRefusal::IdentityConflict));
            }
            Err(e) => return Err(e.into()),
        }
        let user = self
            .store
            .user(&id)
            .await?
            .ok_or_else(|| ServiceError::internal("account vanished"))?;
        Ok(Ok(user))
    }
}

fn invalid_link() -> ServiceError {
    ServiceError::bad_request(
        "invalid_token",
        "Liên kết không đúng, đã hết hạn hoặc đã được dùng.",
    )
}

//! Test helpers: a browser-like client with a cookie jar, plain requests (JSON, pages, API
//! tokens), running the binary's commands, reading the audit log and the mail outbox,
//! creating accounts, and capturing every log line of the test process.

use std::{
    collections::HashMap,
    io::Write,
    path::Path,
    process::{Command, Stdio},
    sync::{Arc, Mutex, OnceLock},
};

use jiff::civil::Date;
use motcua_core::identity::Role;
use motcua_store::{AuditFilter, AuditRecord, AuditStore, Db};
use reqwest::{StatusCode, header::HeaderMap};
use serde_json::{Value, json};

use crate::{Server, client};

/// The password given to accounts made by tests.
pub const PASSWORD: &str = "mật khẩu thử nghiệm";

/// `GET` a path of `s`: the status and the JSON body (`null` when there is none).
pub async fn get(s: &Server, path: &str) -> (StatusCode, Value) {
    let r = client()
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json::<Value>().await.unwrap_or(Value::Null))
}

/// `GET` a page of `s`, which must be HTML: the status and the page.
pub async fn page(s: &Server, path: &str) -> (StatusCode, String) {
    let r = client()
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .unwrap();
    let status = r.status();
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{path} is HTML"
    );
    (status, r.text().await.unwrap())
}

/// An API token for `username` from the server at `base`, with every permission the account
/// holds or only `scopes`: the token and its id. Demo accounts sign in with the demo
/// password, accounts made by tests with [`PASSWORD`].
pub async fn api_token(base: &str, username: &str, scopes: Option<&[&str]>) -> (String, String) {
    let demo =
        username == "citizen1" || motcua::demo::DEMO_OFFICIALS.iter().any(|o| o.0 == username);
    let password = if demo {
        motcua::demo::DEMO_PASSWORD
    } else {
        PASSWORD
    };
    let mut body = json!({"username": username, "password": password, "name": "test"});
    if let Some(sc) = scopes {
        body["scopes"] = json!(sc);
    }
    let r = client()
        .post(format!("{base}/api/v1/auth/token"))
        .header("x-forwarded-for", Browser::fresh().ip)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "token for {username}");
    let v: Value = r.json().await.unwrap();
    (
        v["token"].as_str().unwrap().to_owned(),
        v["id"].as_str().unwrap().to_owned(),
    )
}

/// The binary, as a user runs it: on SQLite whatever the test environment says, with quiet
/// logs.
pub fn motcua() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_motcua"));
    c.env_remove("MOTCUA_DATABASE_URL").env("RUST_LOG", "warn");
    c
}

/// [`motcua`] with its data in `dir`.
pub fn motcua_in(dir: &Path) -> Command {
    let mut c = motcua();
    c.arg("--data-dir").arg(dir);
    c
}

/// Runs `motcua --data-dir dir args…`, typing `stdin` (a line) if given: the exit code and
/// everything it printed (standard output, then standard error).
pub fn run_motcua(dir: &Path, args: &[&str], stdin: Option<&str>) -> (i32, String) {
    let mut child = motcua_in(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        writeln!(child.stdin.take().unwrap(), "{text}").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A response, read whole.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// The `Location` header.
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Every `Set-Cookie` header.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }

    /// The value of the first hidden `csrf` field.
    pub fn csrf(&self) -> String {
        field_value(&self.body, "csrf").expect("a csrf field")
    }
}

/// The `value` of the input named `name` in an HTML page.
pub fn field_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html.find(&needle)? + needle.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].replace("&amp;", "&"))
}

/// Writes `agencies` into the SQLite database of a command-line test's data directory (the
/// agencies come from the demo data or an agency import; here, straight into the store).
pub fn seed_agencies(data: &Path, agencies: &[motcua_core::agency::Agency]) {
    use motcua_store::{AgencyStore, DbConfig, SqliteDurability};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let db = Db::connect(&DbConfig {
            postgres_url: None,
            sqlite_path: data.join("motcua.db"),
            sqlite_durability: SqliteDurability::Normal,
            max_connections: 2,
        })
        .await
        .unwrap();
        db.upsert_agencies(agencies, "2026-01-01T00:00:00Z".parse().unwrap())
            .await
            .unwrap();
        db.close().await;
    });
}

/// The origin (`scheme://host:port`) of a URL.
pub fn origin(url: &str) -> String {
    let after = url.find("://").map_or(0, |i| i + 3);
    match url[after..].find('/') {
        Some(i) => url[..after + i].to_owned(),
        None => url.to_owned(),
    }
}

/// A browser: keeps cookies per origin, sends `Origin` with form posts, and — because the test
/// servers trust 127.0.0.1 as a proxy — presents its own client address in `X-Forwarded-For`,
/// so that lockouts of one test never touch another.
#[derive(Debug, Clone)]
pub struct Browser {
    client: reqwest::Client,
    jar: Arc<Mutex<HashMap<String, HashMap<String, String>>>>,
    pub ip: String,
}

impl Browser {
    /// A browser at client address `ip`.
    pub fn new(ip: &str) -> Self {
        Self {
            client: crate::client(),
            jar: Arc::default(),
            ip: ip.to_owned(),
        }
    }

    /// A browser with a fresh random client address in 10.0.0.0/8.
    pub fn fresh() -> Self {
        let n = uuid::Uuid::now_v7().as_u128();
        Self::new(&format!(
            "10.{}.{}.{}",
            (n >> 16) as u8,
            (n >> 8) as u8,
            n as u8
        ))
    }

    /// Another browser in this one's client network (the same IPv4 /24), with host part
    /// `host`: the server counts the two as one client.
    pub fn neighbour(&self, host: u8) -> Self {
        let net = self.ip.rsplit_once('.').map_or("10.0.0", |(n, _)| n);
        Self::new(&format!("{net}.{host}"))
    }

    /// A cookie's value for an origin.
    pub fn cookie(&self, url: &str, name: &str) -> Option<String> {
        self.jar
            .lock()
            .unwrap()
            .get(&origin(url))
            .and_then(|c| c.get(name).cloned())
    }

    /// Plants a cookie (what an attacker could do with a cookie-injection flaw elsewhere).
    pub fn set_cookie(&self, url: &str, name: &str, value: &str) {
        self.jar
            .lock()
            .unwrap()
            .entry(origin(url))
            .or_default()
            .insert(name.to_owned(), value.to_owned());
    }

    fn cookie_header(&self, url: &str) -> Option<String> {
        let jar = self.jar.lock().unwrap();
        let c = jar.get(&origin(url))?;
        (!c.is_empty()).then(|| {
            c.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    async fn send(&self, url: &str, mut req: reqwest::RequestBuilder) -> Page {
        if let Some(c) = self.cookie_header(url) {
            req = req.header("cookie", c);
        }
        let r = req
            .header("x-forwarded-for", &self.ip)
            .header(
                "user-agent",
                "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
            )
            .send()
            .await
            .unwrap();
        let status = r.status();
        let headers = r.headers().clone();
        {
            let mut jar = self.jar.lock().unwrap();
            let cookies = jar.entry(origin(url)).or_default();
            for v in headers.get_all("set-cookie") {
                let v = v.to_str().unwrap();
                let pair = v.split(';').next().unwrap();
                let (k, val) = pair.split_once('=').unwrap();
                if val.is_empty() || v.contains("Max-Age=0") {
                    cookies.remove(k);
                } else {
                    cookies.insert(k.to_owned(), val.to_owned());
                }
            }
        }
        let body = r.text().await.unwrap_or_default();
        Page {
            status,
            headers,
            body,
        }
    }

    /// GET.
    pub async fn get(&self, url: &str) -> Page {
        self.send(url, self.client.get(url)).await
    }

    /// POST a form, as a browser on the same origin does.
    pub async fn post_form(&self, url: &str, fields: &[(&str, &str)]) -> Page {
        let req = form(self.client.post(url).header("origin", origin(url)), fields);
        self.send(url, req).await
    }

    /// A request with this browser's cookies and client address.
    pub async fn request(&self, url: &str, req: reqwest::RequestBuilder) -> Page {
        self.send(url, req).await
    }

    /// Signs in with a password (no second factor); panics unless it worked.
    pub async fn login(&self, s: &Server, login: &str, password: &str) {
        let page = self.get(&format!("{}/dang-nhap", s.base)).await;
        let r = self
            .post_form(
                &format!("{}/dang-nhap", s.base),
                &[
                    ("csrf", &page.csrf()),
                    ("login", login),
                    ("password", password),
                    ("tiep", "/tai-khoan"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login as {login}: {}",
            r.body
        );
        assert_eq!(r.location(), "/tai-khoan");
    }

    /// The session's CSRF token (from the account page).
    pub async fn session_csrf(&self, s: &Server) -> String {
        self.get(&format!("{}/tai-khoan", s.base)).await.csrf()
    }
}

/// Attaches a urlencoded form body.
pub fn form(req: reqwest::RequestBuilder, fields: &[(&str, &str)]) -> reqwest::RequestBuilder {
    fn enc(s: &str) -> String {
        let mut out = String::new();
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                    out.push(char::from(b))
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    }
    let body = fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    req.header("content-type", "application/x-www-form-urlencoded")
        .body(body)
}

/// A handle on a server's database.
pub async fn db(s: &Server) -> Db {
    Db::connect(&s.db).await.unwrap()
}

/// Audit events with `action` (newest first), optionally about `subject`.
pub async fn audit(s: &Server, action: &str, subject: Option<&str>) -> Vec<AuditRecord> {
    let db = db(s).await;
    let r = db
        .audit_events(&AuditFilter {
            action: Some(action.to_owned()),
            subject: subject.map(str::to_owned),
            limit: 1000,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    db.close().await;
    r
}

/// Audit events by `actor` with `action`.
pub async fn audit_by(s: &Server, actor: &str, action: &str) -> Vec<AuditRecord> {
    let db = db(s).await;
    let r = db
        .audit_events(&AuditFilter {
            action: Some(action.to_owned()),
            actor: Some(actor.to_owned()),
            limit: 1000,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    db.close().await;
    r
}

/// A unique user name for a test account.
pub fn unique(prefix: &str) -> String {
    let n = uuid::Uuid::now_v7().simple().to_string();
    format!("{prefix}{}", &n[n.len() - 10..])
}

/// Creates an official with one grant; returns (user name, account id).
pub async fn official(
    s: &Server,
    prefix: &str,
    home: &str,
    grant: Option<(Role, &str, bool, Option<Date>)>,
) -> (String, String) {
    let db = db(s).await;
    let username = unique(prefix);
    let now = now();
    let admin = motcua::admin_cli::admin_service(&db).await.unwrap();
    let cli = motcua_service::Actor::operator("cli");
    let id = admin
        .create_official(
            &cli,
            now,
            motcua_service::admin::NewOfficial {
                username: username.clone(),
                display_name: "Cán bộ thử nghiệm".to_owned(),
                agency_id: home.to_owned(),
                email: None,
                password: PASSWORD.to_owned(),
            },
        )
        .await
        .unwrap()
        .id;
    if let Some((role, agency, subtree, valid_to)) = grant {
        admin
            .grant(
                &cli,
                now,
                &id,
                motcua_service::admin::GrantRequest {
                    role,
                    agency_id: agency.to_owned(),
                    subtree,
                    procedure: None,
                    valid_from: Some(jiff::civil::date(2025, 7, 1)),
                    valid_to,
                },
            )
            .await
            .unwrap();
    }
    db.close().await;
    (username, id)
}

/// "Now" for store writes made by tests: the shared servers' fixed clock.
pub fn now() -> jiff::Timestamp {
    crate::NOW.parse().unwrap()
}

/// The body of the first mail to `recipient` delivered to the server's maildir; waits up to
/// 30 s (the whole suite on two cores can hold the outbox worker back).
pub async fn wait_for_mail(s: &Server, recipient: &str) -> String {
    wait_for_mail_containing(s, recipient, "").await
}

/// The body of a mail to `recipient` containing `text`; waits up to 30 s.
pub async fn wait_for_mail_containing(s: &Server, recipient: &str, text: &str) -> String {
    for _ in 0..300 {
        if let Some(m) = mails_to(s, recipient)
            .into_iter()
            .find(|m| m.contains(text))
        {
            return m;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no mail to {recipient} containing {text:?}");
}

/// Every mail to `recipient` so far.
pub fn mails_to(s: &Server, recipient: &str) -> Vec<String> {
    let dir = s.data_dir.join("mail").join("new");
    std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .filter(|t| t.contains(&format!("To: {recipient}")))
                .map(|t| decode_body(&t))
                .collect()
        })
        .unwrap_or_default()
}

/// The plain-text body of a mail (lettre encodes non-ASCII bodies as base64 or
/// quoted-printable).
fn decode_body(mail: &str) -> String {
    let (head, body) = mail.split_once("\r\n\r\n").unwrap_or((mail, ""));
    if head.contains("Content-Transfer-Encoding: base64") {
        let compact: String = body.split_whitespace().collect();
        String::from_utf8(base64_decode(&compact)).unwrap_or_default()
    } else if head.contains("Content-Transfer-Encoding: quoted-printable") {
        quoted_printable(body)
    } else {
        body.to_owned()
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|c| *c != b'=') {
        let Some(v) = A.iter().position(|a| *a == c) else {
            continue;
        };
        buf = (buf << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    out
}

fn quoted_printable(s: &str) -> String {
    let joined = s.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The first link in a text that starts with `prefix`.
pub fn link(text: &str, prefix: &str) -> String {
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} link in:\n{text}"));
    text[start..].split_whitespace().next().unwrap().to_owned()
}

/// Every log line written by this test process (all servers), for privacy checks.
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&LOGS.get_or_init(Default::default).lock().unwrap()).into_owned()
}

static LOGS: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();

#[derive(Clone, Copy)]
struct Capture;

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.get_or_init(Default::default)
            .lock()
            .unwrap()
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs a process-wide subscriber recording everything motcua logs at every level (and
/// its libraries at debug), once.
pub fn capture_logs() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        use tracing_subscriber::{EnvFilter, fmt, prelude::*};
        let filter = EnvFilter::new(
            "debug,motcua=trace,motcua_web=trace,motcua_store=trace,motcua_core=trace,\
             hyper=info,hyper_util=info,h2=info,rustls=info,reqwest=info,tokio=info,runtime=info",
        );
        let _ = tracing_subscriber::registry()
            .with(filter)
            .with(fmt::layer().with_ansi(false).with_writer(|| Capture))
            .try_init();
    });
}

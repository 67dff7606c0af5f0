//! The HTTP edges, as a hostile or broken client meets them: oversized and chunked bodies,
//! bodies that stop halfway, control characters in every kind of parameter, requests hyper
//! cannot parse, connections that send their headers a byte at a time, and more connections
//! than the server serves. Every answer is an error envelope (JSON under `/api/`, a page
//! elsewhere) with a 4xx status, never a 5xx.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use motcua_core::{clock::FixedClock, identity::Role};
use motcua_web::{BODY_LIMIT, MAX_FILE_BYTES};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::{
    NOW, Server, on_both,
    security::bearer,
    start_server,
    support::{Browser, PASSWORD, api_token, motcua_in, official},
};

/// A raw answer: status line, headers (lower-cased names) and body.
#[derive(Debug)]
struct Raw {
    status: u16,
    head: String,
    body: String,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// The JSON envelope's code; panics unless the answer is the JSON envelope.
    fn json_code(&self) -> String {
        assert!(
            self.header("content-type")
                .is_some_and(|c| c.starts_with("application/json")),
            "not JSON:\n{}",
            self.head
        );
        let v: Value = serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {self:?}"));
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{v}"
        );
        v["error"]["code"].as_str().unwrap().to_owned()
    }

    fn is_page(&self) -> bool {
        self.header("content-type")
            .is_some_and(|c| c.starts_with("text/html"))
            && self.body.contains("<html")
    }
}

fn addr(s: &Server) -> String {
    s.base.trim_start_matches("http://").to_owned()
}

/// Reads one answer (up to `Content-Length`, or until the server closes).
async fn read_answer(stream: &mut (impl AsyncRead + Unpin)) -> Raw {
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len = head.lines().find_map(|l| {
                l.strip_prefix("content-length:")
                    .map(|v| v.trim().parse::<usize>().unwrap())
            });
            if len.is_some_and(|len| buf.len() >= end + 4 + len) {
                break;
            }
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    Raw {
        status: head
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no answer: {text:?}")),
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

/// Sends `request` and returns the answer, read while still sending (a server may answer
/// early, and stop reading).
async fn raw(s: &Server, request: Vec<u8>) -> Raw {
    let stream = TcpStream::connect(addr(s)).await.unwrap();
    let (mut r, mut w) = stream.into_split();
    let writer = tokio::spawn(async move {
        // The server may close before reading everything: that is its right.
        let _ = w.write_all(&request).await;
        w
    });
    let answer = tokio::time::timeout(Duration::from_secs(60), read_answer(&mut r))
        .await
        .expect("an answer");
    writer.abort();
    answer
}

fn get(path: &str, extra: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{extra}\r\n").into_bytes()
}

async fn uploads_take_twenty_mib_with_a_session_and_the_csrf_parameter(s: &Server) {
    let (user, _) = official(s, "upl", "bn.stp", None).await;
    let b = Browser::fresh();
    b.login(s, &user, PASSWORD).await;
    let csrf = b.session_csrf(s).await;
    let client = crate::client();
    let upload = |query: String, body: Vec<u8>| {
        client
            .post(format!("{}/api/v1/files?{query}", s.base))
            .header("content-type", "application/pdf")
            .body(body)
    };
    // The documented way: the session cookie, and the token as `csrf` in the query. A file of
    // exactly the documented size is taken (it was cut at 2 MiB before).
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(MAX_FILE_BYTES, b'x');
    let r = b
        .request(
            &s.base,
            upload(
                format!("name=h%E1%BB%93-s%C6%A1.pdf&csrf={csrf}"),
                pdf.clone(),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["size"], MAX_FILE_BYTES);
    assert_eq!(v["name"], "hồ-sơ.pdf");
    // The parameter is still checked.
    for query in ["name=a.pdf".to_owned(), "name=a.pdf&csrf=0".to_owned()] {
        let r = b.request(&s.base, upload(query, b"%PDF".to_vec())).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    }
    // One byte more is a 413 in the envelope, declared (answered before the body is read, so
    // sent raw: a client still writing sees the connection close) …
    let session = b.cookie(&s.base, "motcua_session").expect("a session");
    let mut req = format!(
        "POST /api/v1/files?name=a.pdf&csrf={csrf} HTTP/1.1\r\nHost: x\r\n\
         Cookie: motcua_session={session}\r\nX-Forwarded-For: {}\r\n\
         Content-Type: application/pdf\r\nContent-Length: {}\r\n\r\n",
        b.ip,
        MAX_FILE_BYTES + 1
    )
    .into_bytes();
    req.extend_from_slice(&pdf);
    req.push(b'x');
    let r = raw(s, req).await;
    assert_eq!(
        (r.status, r.json_code().as_str()),
        (413, "payload_too_large")
    );

    // … or chunked, cut off while reading.
    let (tok, _) = api_token(&s.base, &user, None).await;
    let mut req = format!(
        "POST /api/v1/files?name=a.pdf HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {tok}\r\n\
         Content-Type: application/pdf\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    let piece = vec![b'x'; 1 << 20];
    for _ in 0..=(MAX_FILE_BYTES >> 20) {
        req.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        req.extend_from_slice(&piece);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    let r = raw(s, req).await;
    assert_eq!(r.status, 413);
    assert_eq!(r.json_code(), "payload_too_large");
    // Elsewhere the default limit holds, chunked too, and JSON bodies over it get the envelope.
    let mut req = format!(
        "POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n{:x}\r\n",
        BODY_LIMIT + 1
    )
    .into_bytes();
    req.extend(std::iter::repeat_n(b' ', BODY_LIMIT + 1));
    req.extend_from_slice(b"\r\n0\r\n\r\n");
    let r = raw(s, req).await;
    assert_eq!(
        (r.status, r.json_code().as_str()),
        (413, "payload_too_large")
    );

    // A page answers a page.
    let r = crate::client()
        .post(format!("{}/dang-nhap", s.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", Browser::fresh().ip)
        .body(vec![b'a'; BODY_LIMIT + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}
on_both!(uploads_take_twenty_mib_with_a_session_and_the_csrf_parameter);

async fn control_characters_are_refused_at_the_boundary(s: &Server) {
    let (desk, _) = official(
        s,
        "nuldesk",
        "bn.stp",
        Some((Role::ReceivingOfficer, "bn.stp", false, None)),
    )
    .await;
    let (admin, _) = official(
        s,
        "nuladm",
        "bn",
        Some((Role::Administrator, "bn", true, None)),
    )
    .await;
    let (auditor, _) = official(s, "nulaud", "bn", Some((Role::Auditor, "bn", true, None))).await;
    let desk = api_token(&s.base, &desk, None).await.0;
    let admin = api_token(&s.base, &admin, None).await.0;
    let auditor = api_token(&s.base, &auditor, None).await.0;
    use reqwest::Method;
    // Each was a 500 on PostgreSQL ("invalid byte sequence for encoding UTF8: 0x00").
    for (method, path, tok, name) in [
        (
            Method::GET,
            "/api/v1/inbox?procedure=%00",
            &desk,
            "procedure",
        ),
        (Method::GET, "/api/v1/inbox?unit=%00", &desk, "unit"),
        (Method::GET, "/api/v1/inbox?unit=bn.stp%01", &desk, "unit"),
        (Method::GET, "/api/v1/audit?action=%00", &auditor, "action"),
        (Method::GET, "/api/v1/audit?actor=a%00b", &auditor, "actor"),
        (Method::GET, "/api/v1/users/%00/grants", &admin, "id"),
        (Method::DELETE, "/api/v1/grants/%00", &admin, "id"),
        (
            Method::GET,
            "/api/v1/procedures?q=gi%E1%BA%A5y%0A",
            &admin,
            "q",
        ),
        (Method::GET, "/api/v1/procedures/1.0%7F", &admin, "code"),
        (Method::GET, "/api/v1/dossiers/%00", &desk, "code"),
    ] {
        let r = bearer(method.clone(), &format!("{}{path}", s.base), tok)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{method} {path}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "invalid_parameter", "{path}: {v}");
        assert_eq!(v["error"]["field"], name, "{path}: {v}");
    }
    // Pages: queries, paths and form fields, answered as pages.
    let b = Browser::fresh();
    for path in [
        "/thu-tuc?q=%00",
        "/thu-tuc/1.0%00",
        "/lich-lam-viec?year=2026%00",
    ] {
        let r = b.get(&format!("{}{path}", s.base)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(r.body.contains("<html"), "{path}: {}", r.body);
    }
    let url = format!("{}/dang-nhap", s.base);
    let csrf = b.get(&url).await.csrf();
    let r = b
        .post_form(
            &url,
            &[("csrf", &csrf), ("login", "ad\0min"), ("password", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("login"), "the field is named: {}", r.body);
    // Ordinary text, line breaks in a form field included, is untouched.
    let r = b
        .get(&format!("{}/thu-tuc?q=gi%E1%BA%A5y+ph%C3%A9p", s.base))
        .await;
    assert_eq!(r.status, StatusCode::OK);
}
on_both!(control_characters_are_refused_at_the_boundary);

async fn requests_hyper_or_the_edge_refuse_still_get_the_envelope(s: &Server) {
    // Unparseable: hyper answers itself; the server replaces its bare 400.
    for garbage in [
        &b"GARBAGE\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nBad Header\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
    ] {
        let r = raw(s, garbage.to_vec()).await;
        assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(garbage));
        assert_eq!(r.json_code(), "bad_request");
    }
    // A long request target: our 414, JSON for the API, a page elsewhere.
    let long = "a".repeat(motcua_web::edge::MAX_URI_BYTES);
    let r = raw(s, get(&format!("/api/v1/procedures?q={long}"), "")).await;
    assert_eq!((r.status, r.json_code().as_str()), (414, "uri_too_long"));
    let r = raw(s, get(&format!("/thu-tuc?q={long}"), "")).await;
    assert_eq!(r.status, 414);
    assert!(r.is_page(), "{r:?}");
    // Too many header bytes or lines: our 431 …
    let big = format!(
        "X-Big: {}\r\n",
        "b".repeat(motcua_web::edge::MAX_HEADER_BYTES)
    );
    let r = raw(s, get("/api/v1/fields", &big)).await;
    assert_eq!(
        (r.status, r.json_code().as_str()),
        (431, "headers_too_large")
    );
    let many: String = (0..=motcua_web::edge::MAX_HEADERS)
        .map(|i| format!("X-H{i}: {i}\r\n"))
        .collect();
    let r = raw(s, get("/api/v1/fields", &many)).await;
    assert_eq!(
        (r.status, r.json_code().as_str()),
        (431, "headers_too_large")
    );
    let r = raw(s, get("/co-quan", &many)).await;
    assert_eq!(r.status, 431);
    assert!(r.is_page());
    // … and beyond hyper's hard limits, hyper's 431, replaced.
    let huge = format!("X-Big: {}\r\n", "b".repeat(motcua::serve::HARD_HEAD_BYTES));
    let r = raw(s, get("/api/v1/fields", &huge)).await;
    assert_eq!(
        (r.status, r.json_code().as_str()),
        (431, "headers_too_large")
    );
    let lots: String = (0..1000).map(|i| format!("X-H{i}: {i}\r\n")).collect();
    let r = raw(s, get("/api/v1/fields", &lots)).await;
    assert_eq!(
        (r.status, r.json_code().as_str()),
        (431, "headers_too_large")
    );
    // A malformed query on a page is a page.
    let r = raw(s, get("/thu-tuc?page=abc", "")).await;
    assert_eq!(r.status, 400);
    assert!(r.is_page(), "{r:?}");
    // Bodies the JSON extractor cannot use, and a method nobody declared.
    let r = raw(
        s,
        b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}".to_vec(),
    )
    .await;
    assert_eq!(r.status, 400);
    r.json_code();
    let r = raw(
        s,
        b"PATCH /api/v1/fields HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
    )
    .await;
    assert_eq!(
        (r.status, r.json_code().as_str()),
        (405, "method_not_allowed")
    );
    // A chunked body that is not chunked.
    let r = raw(
        s,
        b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_vec(),
    )
    .await;
    assert!(r.status == 400, "{r:?}");
    r.json_code();
}
on_both!(requests_hyper_or_the_edge_refuse_still_get_the_envelope);

/// A server of its own with short timeouts (so the test does not wait the defaults).
fn quick_server(
    customize: impl FnOnce(&mut motcua::settings::Settings) + Send + 'static,
) -> Server {
    start_server(
        "sqlite",
        None,
        Arc::new(FixedClock::new(NOW.parse().unwrap())),
        customize,
    )
}

#[tokio::test]
async fn bodies_that_stop_or_drip_time_out_with_the_envelope() {
    let s = quick_server(|settings| {
        settings.server.limits.body_timeout_seconds = 1;
        settings.server.limits.request_timeout_seconds = 3;
    });
    // Shorter than its Content-Length: a 408 once the body timeout passes (it was a bare 503
    // after 30 s).
    let started = Instant::now();
    let r = raw(
        &s,
        b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"username\":".to_vec(),
    )
    .await;
    assert_eq!((r.status, r.json_code().as_str()), (408, "request_timeout"));
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(2500),
        "{took:?}"
    );
    // A page's form (with the visitor's CSRF cookie, so that the guard reads the body).
    let b = Browser::fresh();
    b.get(&format!("{}/dang-nhap", s.base)).await;
    let cookie = b.cookie(&s.base, "motcua_csrf").expect("a CSRF cookie");
    let r = raw(
        &s,
        format!(
            "POST /dang-nhap HTTP/1.1\r\nHost: x\r\nCookie: motcua_csrf={cookie}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ncsrf="
        )
        .into_bytes(),
    )
    .await;
    assert_eq!(r.status, 408);
    assert!(r.is_page(), "{r:?}");
    // A body that drips in faster than the body timeout but never ends within the request's
    // time: the request timeout, and still the client's 408, not a 503.
    let mut stream = TcpStream::connect(addr(&s)).await.unwrap();
    stream
        .write_all(b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let drip = async {
        loop {
            if stream.write_all(b" ").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(400)).await;
            if started.elapsed() > Duration::from_secs(4) {
                break;
            }
        }
    };
    drip.await;
    let r = read_answer(&mut stream).await;
    assert_eq!((r.status, r.json_code().as_str()), (408, "request_timeout"));
}

#[tokio::test]
async fn slow_header_senders_are_closed_and_others_are_served() {
    let s = quick_server(|settings| {
        settings.server.limits.header_timeout_seconds = 2;
        settings.server.limits.idle_timeout_seconds = 4;
    });
    // 300 connections sending their headers one byte a second (they never finish).
    let mut slow = Vec::new();
    for _ in 0..300 {
        let mut c = TcpStream::connect(addr(&s)).await.unwrap();
        slow.push(tokio::spawn(async move {
            let started = Instant::now();
            for b in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaa".iter() {
                if c.write_all(&[*b]).await.is_err() {
                    break;
                }
                let mut one = [0u8; 1];
                let read = tokio::time::timeout(Duration::from_secs(1), c.read(&mut one)).await;
                if let Ok(Ok(0) | Err(_)) = read {
                    break;
                }
            }
            started.elapsed()
        }));
    }
    // Meanwhile the server answers at once.
    tokio::time::sleep(Duration::from_millis(500)).await;
    for _ in 0..3 {
        let started = Instant::now();
        let r = raw(&s, get("/healthz", "")).await;
        assert_eq!(r.status, 200);
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "{:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // Every slow one is closed after the header timeout (2 s), none before.
    for t in slow {
        let held = t.await.unwrap();
        assert!(
            held >= Duration::from_millis(1900) && held < Duration::from_secs(4),
            "held {held:?}"
        );
    }
    // A keep-alive connection may rest between requests longer than the header timeout, up
    // to the idle timeout.
    let mut c = TcpStream::connect(addr(&s)).await.unwrap();
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(read_answer(&mut c).await.status, 200);
    tokio::time::sleep(Duration::from_secs(3)).await;
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_answer(&mut c).await.status,
        200,
        "still open after 3 s idle"
    );
    let rested = Instant::now();
    let mut one = [0u8; 1];
    let closed = tokio::time::timeout(Duration::from_secs(8), c.read(&mut one)).await;
    assert!(matches!(closed, Ok(Ok(0))), "closed: {closed:?}");
    let idle = rested.elapsed();
    assert!(
        idle >= Duration::from_millis(3900) && idle < Duration::from_secs(6),
        "{idle:?}"
    );
}

#[tokio::test]
async fn a_full_server_sheds_slow_senders_first_and_busy_connections_never() {
    let s = quick_server(|settings| {
        settings.server.limits.max_connections = 20;
        settings.server.limits.connection_wait_ms = 300;
        settings.server.limits.header_timeout_seconds = 30;
        settings.server.limits.body_timeout_seconds = 30;
    });
    // Twenty connections that have sent part of a head fill the server …
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut c = TcpStream::connect(addr(&s)).await.unwrap();
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: a")
            .await
            .unwrap();
        slow.push(c);
    }
    tokio::time::sleep(Duration::from_millis(1200)).await;
    // … yet a client that sends its request at once is served, in the place of the one that
    // has been sending its head the longest.
    for _ in 0..3 {
        let started = Instant::now();
        let r = raw(&s, get("/healthz", "")).await;
        assert_eq!(r.status, 200);
        assert!(
            started.elapsed() < Duration::from_millis(250),
            "{:?}",
            started.elapsed()
        );
    }
    let mut closed = 0;
    for c in &mut slow {
        let mut one = [0u8; 1];
        if let Ok(Ok(0)) = tokio::time::timeout(Duration::from_millis(50), c.read(&mut one)).await {
            closed += 1;
        }
    }
    // The first newcomer took a slow sender's place; the next ones took the place it left.
    assert_eq!(closed, 1, "no more slow senders were shed than needed");
    drop(slow);

    // Connections answering a request keep their place: a newcomer waits briefly, then is
    // closed without an answer.
    let mut busy = Vec::new();
    for _ in 0..20 {
        let mut c = TcpStream::connect(addr(&s)).await.unwrap();
        c.write_all(
            b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{",
        )
        .await
        .unwrap();
        busy.push(c);
    }
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let started = Instant::now();
    let mut extra = TcpStream::connect(addr(&s)).await.unwrap();
    extra
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(5), extra.read(&mut buf))
        .await
        .unwrap()
        .unwrap_or(0);
    assert_eq!(n, 0, "closed without an answer");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(2),
        "{waited:?}"
    );
    // A place that frees up is taken by a waiting connection.
    let mut waiting = TcpStream::connect(addr(&s)).await.unwrap();
    waiting
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(busy.pop());
    assert_eq!(read_answer(&mut waiting).await.status, 200);
}

#[tokio::test]
async fn shutdown_lets_the_request_in_flight_finish() {
    let db = motcua_store::testkit::TestDb::for_engine("sqlite")
        .await
        .keep()
        .1;
    let dir = db.sqlite_path.parent().unwrap().to_path_buf();
    let settings = crate::test_settings(&db, dir);
    let running = motcua::app::start(settings, Arc::new(FixedClock::new(NOW.parse().unwrap())))
        .await
        .unwrap();
    let addr = running.addr;
    let mut c = TcpStream::connect(addr).await.unwrap();
    c.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(read_answer(&mut c).await.status, 200);
    // A request whose body is still coming when the server is asked to stop.
    let body = br#"{"username": "citizen1", "password": "motcua-demo", "name": "t"}"#;
    c.write_all(
        format!(
            "POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    c.write_all(&body[..10]).await.unwrap();
    // The handler is waiting for the rest of the body when the stop comes.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopping = tokio::spawn(running.shutdown());
    tokio::time::sleep(Duration::from_millis(300)).await;
    c.write_all(&body[10..]).await.unwrap();
    let r = read_answer(&mut c).await;
    assert_eq!(r.status, 201, "{r:?}");
    tokio::time::timeout(Duration::from_secs(10), stopping)
        .await
        .expect("stopped once the request was answered")
        .unwrap()
        .unwrap();
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );
}

/// The server's resident memory, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// The binary in a process of its own (so its memory is its own), configured through the
/// environment as an operator would. The big run (20,000 connections) is in
/// docs/PERFORMANCE.md, "Slow connections".
#[cfg(target_os = "linux")]
#[tokio::test]
async fn memory_stays_bounded_under_thousands_of_slow_connections() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = motcua_in(dir.path())
        .env("MOTCUA_SERVER__MAX_CONNECTIONS", "200")
        .env("MOTCUA_SERVER__HEADER_TIMEOUT_SECONDS", "3")
        .args(["serve", "--no-demo", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let target = format!("127.0.0.1:{port}");
    let healthz = async || {
        let started = Instant::now();
        let mut c = TcpStream::connect(&target).await.ok()?;
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .ok()?;
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(2), c.read_to_end(&mut answer))
            .await
            .ok()?
            .ok()?;
        answer
            .starts_with(b"HTTP/1.1 200")
            .then(|| started.elapsed())
    };
    let ready = Instant::now();
    while healthz().await.is_none() {
        assert!(
            ready.elapsed() < Duration::from_secs(120),
            "the server did not start"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = rss_kib(pid);
    // Four thousand connections that each send half a head, twenty times what it serves.
    let mut slow = Vec::new();
    for _ in 0..4000 {
        if let Ok(mut c) = TcpStream::connect(&target).await
            && c.write_all(b"GET /healthz HTTP/1.1\r\nX-Slow: a")
                .await
                .is_ok()
        {
            slow.push(c);
        }
    }
    assert!(slow.len() > 3900, "{} connected", slow.len());
    // Once they have been quiet for a second, slow senders give up their places to newcomers.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let mut peak = before;
    for _ in 0..5 {
        peak = peak.max(rss_kib(pid));
        let took = healthz().await.expect("/healthz answers meanwhile");
        assert!(took < Duration::from_millis(500), "{took:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let grown = peak.saturating_sub(before);
    // Held at once: at most 200 (~25 KiB each); without the limit, each of the 4,000 costs
    // about 14 KiB and stays.
    assert!(grown < 24 * 1024, "grew by {grown} KiB (from {before} KiB)");
    eprintln!("RSS {before} KiB before, {peak} KiB at most with 4,000 slow connections");
    // And every slow one is closed: evicted, refused, or timed out after 3 s.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mut open = 0;
    for c in &mut slow {
        let mut one = [0u8; 1];
        if !matches!(
            tokio::time::timeout(Duration::from_millis(20), c.read(&mut one)).await,
            Ok(Ok(0) | Err(_))
        ) {
            open += 1;
        }
    }
    assert_eq!(open, 0, "slow connections still open");
    let _ = child.kill();
    let _ = child.wait();
}

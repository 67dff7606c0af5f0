use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use jiff::{
    Timestamp,
    civil::{Date, date},
};
use motcua_core::{
    audit::{AuditEvent, Outcome},
    calendar::{ClockEvent, Dues},
    catalog::ProcedureCode,
    dossier::{
        Answer, Apology, ApplicantKind, Component, Consultation, Dossier, DossierCode, FeeLine,
        FileRef, HistoryEntry, IssuedResult, Notice, Person, ProcessTemplate, Representative,
        ReturnMethod, ReturnPlace, Status, StepAgency, StepKind, StepRecord, SubmissionChannel,
        SupplementItem, SupplementRequest,
    },
    identity::{Role, Scope},
    testkit,
};
use motcua_store::{
    Accompanying, ApplicantSearch, AuditFilter, AuditStore, BuildDossier, Conflict, Created,
    Creation, Db, DossierStore, DossierSummary, FileMeta, IdempotencyKey, InboxQuery, InboxSort,
    LookupSecrets, NewMail, OutboxStore, PublicStatus, StoreError, SummaryPage,
};

use crate::{at, contract};

const H06: &str = "000.00.00.H06";
const OTHER_PREFIX: &str = "000.00.00.H07";

fn day() -> Date {
    date(2026, 11, 25)
}

fn code(prefix: &str, d: Date, seq: u32) -> DossierCode {
    DossierCode::new(prefix, d, seq).unwrap()
}

fn procedure(c: &str) -> ProcedureCode {
    ProcedureCode::parse(c).unwrap()
}

fn person(id: &str) -> Person {
    Person {
        user_id: id.into(),
        name: format!("Cán bộ {id}"),
    }
}

/// A submitted dossier at `agency` with every field set.
fn dossier(id: &str, code: DossierCode, agency: &str, submitted: Timestamp) -> Dossier {
    let mut s = testkit::submission(id, agency, submitted);
    s.procedure_version = 3;
    s.case_name = Some("Trường hợp thông thường".into());
    s.applicant.phone = Some("+84912345678".into());
    s.applicant.email = Some("an@example.vn".into());
    s.applicant.address = Some("Số 1 Lý Thái Tổ, Bắc Ninh".into());
    s.representative = Some(Representative {
        name: "Trần Thị Bình".into(),
        citizen_id: "024190005678".into(),
        authorisation: "Giấy ủy quyền số 12/UQ ngày 20/11/2026".into(),
    });
    s.owner_id = Some("u-applicant".into());
    s.return_place = ReturnPlace {
        method: ReturnMethod::Post,
        address: Some("Số 1 Lý Thái Tổ, Bắc Ninh".into()),
    };
    s.components = vec![Component {
        name: "Tờ khai đăng ký khai sinh".into(),
        required: true,
        originals: 1,
        copies: 0,
        files: vec![FileRef {
            id: "f-1".into(),
            name: "to-khai.pdf".into(),
            media_type: "application/pdf".into(),
            size: 12_345,
            sha256: "ab".repeat(32),
        }],
        held_document: Some("GCS-2020-001".into()),
        paper: None,
        condition: Some("Bạn nộp hồ sơ thay người khác (theo ủy quyền)?".into()),
        applies: Some(true),
    }];
    s.fees = vec![FeeLine {
        text: "Lệ phí: 8.000 đồng".into(),
        amount_vnd: Some(8_000),
    }];
    s.intake_due = Some(at("2026-11-26T09:00:00+07:00"));
    let mut d = Dossier::submitted(s, code);
    d.clock_events = vec![ClockEvent::Received { at: submitted }];
    d.due = Dues {
        legal: Some(at("2026-12-02T17:00:00+07:00")),
        kpi: Some(at("2026-12-02T16:00:00+07:00")),
    };
    d
}

fn history(at_: Timestamp, actor: Option<&str>, action: &str, status: Status) -> HistoryEntry {
    HistoryEntry {
        at: at_,
        actor: actor.map(person),
        action: action.into(),
        status,
        summary: format!("{action}: {}", status.label_vi()),
        // Routing stays inside the agencies; the contract must keep the flag as written.
        internal: action == "forward",
    }
}

fn audit(action: &str, subject: &str) -> AuditEvent {
    AuditEvent::new(
        at("2026-11-25T09:00:00+07:00"),
        "user:u-applicant",
        action,
        Outcome::Success,
    )
    .subject(format!("dossier:{subject}"))
}

fn mail(id: &str) -> NewMail {
    NewMail {
        id: id.into(),
        recipient: "an@example.vn".into(),
        subject: "Đã nhận hồ sơ".into(),
        body: "Hồ sơ của ông/bà đã được tiếp nhận.".into(),
        created_at: at("2026-11-25T09:00:00+07:00"),
    }
}

/// Builds a plain submitted dossier with one history entry, one audit event and one mail.
fn submission(id: &str, agency: &str, submitted: Timestamp) -> BuildDossier {
    let id = id.to_owned();
    let agency = agency.to_owned();
    Box::new(move |c: DossierCode| {
        let d = dossier(&id, c, &agency, submitted);
        let with = Accompanying {
            history: vec![history(submitted, None, "submit", Status::Submitted)],
            audit: vec![audit("dossier.submit", d.code.as_str())],
            mails: vec![mail(&format!("m-{id}"))],
            drafts: Vec::new(),
        };
        Creation { dossier: d, with }
    })
}

/// Creates a dossier built by `make` (which receives the issued code) with no accompanying
/// records; returns the code.
async fn create_with(
    db: &Db,
    prefix: &str,
    d: Date,
    make: impl FnOnce(DossierCode) -> Dossier + Send + 'static,
) -> DossierCode {
    let created = db
        .create_dossier(
            prefix,
            d,
            None,
            Box::new(move |c| Creation {
                dossier: make(c),
                with: Accompanying::default(),
            }),
        )
        .await
        .unwrap();
    new_code(created)
}

async fn audit_count(db: &Db) -> usize {
    db.audit_events(&AuditFilter {
        limit: 1000,
        ..AuditFilter::default()
    })
    .await
    .unwrap()
    .len()
}

fn new_code(c: Created) -> DossierCode {
    match c {
        Created::New(d) => Some(d.code),
        Created::Replayed { .. } => None,
    }
    .expect("a new dossier, not a replay")
}

async fn codes_are_unique_under_concurrent_submissions(db: &Db) {
    const N: u32 = 40;
    const M: u32 = 5;
    let submitted = at("2026-11-25T09:00:00+07:00");
    let mut tasks = Vec::new();
    // Interleave the three series so they contend with each other too.
    for i in 0..N {
        let mut jobs = vec![(H06, day(), format!("h06-{i}"))];
        if i < M {
            jobs.push((OTHER_PREFIX, day(), format!("h07-{i}")));
            jobs.push((H06, date(2026, 11, 26), format!("next-{i}")));
        }
        for (prefix, d, id) in jobs {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                let c = db
                    .create_dossier(prefix, d, None, submission(&id, "bn.a", submitted))
                    .await
                    .unwrap();
                (prefix, d, id, new_code(c))
            }));
        }
    }
    let mut by_series: BTreeMap<(&str, Date), BTreeSet<String>> = BTreeMap::new();
    let mut all = BTreeSet::new();
    let mut issued = Vec::new();
    for t in tasks {
        let (prefix, d, id, c) = t.await.unwrap();
        assert!(all.insert(c.clone()), "code {c} issued twice");
        assert_eq!(c.prefix(), prefix);
        assert_eq!(c.day(), Some(d));
        by_series
            .entry((prefix, d))
            .or_default()
            .insert(c.as_str().to_owned());
        issued.push((id, c));
    }
    let expect = |prefix: &str, d: Date, n: u32| -> BTreeSet<String> {
        (1..=n).map(|s| code(prefix, d, s).to_string()).collect()
    };
    assert_eq!(by_series[&(H06, day())], expect(H06, day(), N));
    assert!(by_series[&(H06, day())].contains("000.00.00.H06-261125-0001"));
    assert!(by_series[&(H06, day())].contains("000.00.00.H06-261125-0040"));
    assert_eq!(
        by_series[&(OTHER_PREFIX, day())],
        expect(OTHER_PREFIX, day(), M)
    );
    assert!(by_series[&(OTHER_PREFIX, day())].contains("000.00.00.H07-261125-0001"));
    assert_eq!(
        by_series[&(H06, date(2026, 11, 26))],
        expect(H06, date(2026, 11, 26), M)
    );
    assert!(by_series[&(H06, date(2026, 11, 26))].contains("000.00.00.H06-261126-0001"));
    assert_eq!(by_series.len(), 3);
    let total = N + 2 * M;
    assert_eq!(db.dossier_count().await.unwrap(), i64::from(total));
    // Each stored dossier carries the code its builder was handed.
    for (id, c) in &issued {
        let d = db.dossier(c.as_str()).await.unwrap().expect("stored");
        assert_eq!(&d.id, id);
        assert_eq!(&d.code, c);
    }
    // Everything that accompanied each submission was written with it.
    assert_eq!(db.pending_mail_count().await.unwrap(), i64::from(total));
    assert_eq!(audit_count(db).await, total as usize);
    // The series goes on after the burst.
    let c = new_code(
        db.create_dossier(H06, day(), None, submission("after", "bn.a", submitted))
            .await
            .unwrap(),
    );
    assert_eq!(c.as_str(), "000.00.00.H06-261125-0041");
}
contract!(codes_are_unique_under_concurrent_submissions);

/// A builder that counts its calls (a replay must never call it).
fn counting_builder(calls: &Arc<AtomicUsize>) -> BuildDossier {
    let calls = Arc::clone(calls);
    let build = submission("d-never", "bn.a", at("2026-11-25T09:00:00+07:00"));
    Box::new(move |c| {
        calls.fetch_add(1, Ordering::SeqCst);
        build(c)
    })
}

async fn submissions_are_idempotent(db: &Db) {
    let submitted = at("2026-11-25T09:00:00+07:00");
    let key = |owner: &str, hash: &str| IdempotencyKey {
        owner: owner.into(),
        key: "k-1".into(),
        request_hash: hash.into(),
    };
    let first = new_code(
        db.create_dossier(
            H06,
            day(),
            Some(key("u-1", "h-1")),
            submission("d-1", "bn.a", submitted),
        )
        .await
        .unwrap(),
    );
    assert_eq!(first.as_str(), "000.00.00.H06-261125-0001");
    let counts = |db: &Db| {
        let db = db.clone();
        async move {
            (
                db.dossier_count().await.unwrap(),
                db.dossier_history("d-1").await.unwrap().len(),
                audit_count(&db).await,
                db.pending_mail_count().await.unwrap(),
            )
        }
    };
    assert_eq!(counts(db).await, (1, 1, 1, 1));

    // The same request again: the first dossier, nothing written, the builder never called.
    let calls = Arc::new(AtomicUsize::new(0));
    let again = db
        .create_dossier(
            H06,
            day(),
            Some(key("u-1", "h-1")),
            counting_builder(&calls),
        )
        .await
        .unwrap();
    assert_eq!(
        again,
        Created::Replayed {
            code: first.clone(),
            same_request: true
        }
    );
    // The same key with another body: still the first dossier, flagged.
    let other_body = db
        .create_dossier(
            H06,
            day(),
            Some(key("u-1", "h-2")),
            counting_builder(&calls),
        )
        .await
        .unwrap();
    assert_eq!(
        other_body,
        Created::Replayed {
            code: first.clone(),
            same_request: false
        }
    );
    // A replay answers with the original code even when asked under another prefix or day.
    let elsewhere = db
        .create_dossier(
            OTHER_PREFIX,
            date(2026, 11, 26),
            Some(key("u-1", "h-1")),
            counting_builder(&calls),
        )
        .await
        .unwrap();
    assert_eq!(
        elsewhere,
        Created::Replayed {
            code: first.clone(),
            same_request: true
        }
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0, "a replay built a dossier");
    assert_eq!(counts(db).await, (1, 1, 1, 1), "a replay wrote something");

    // The same key of another client is another submission.
    let theirs = new_code(
        db.create_dossier(
            H06,
            day(),
            Some(key("u-2", "h-1")),
            submission("d-2", "bn.a", submitted),
        )
        .await
        .unwrap(),
    );
    // Replays consumed no sequence number.
    assert_eq!(theirs.as_str(), "000.00.00.H06-261125-0002");
    assert_eq!(db.dossier_count().await.unwrap(), 2);
    // And that client's key now replays to its own dossier.
    assert_eq!(
        db.create_dossier(
            H06,
            day(),
            Some(key("u-2", "h-1")),
            counting_builder(&calls)
        )
        .await
        .unwrap(),
        Created::Replayed {
            code: theirs.clone(),
            same_request: true
        }
    );
    // A submission without a key is never a replay.
    let keyless = new_code(
        db.create_dossier(H06, day(), None, submission("d-3", "bn.a", submitted))
            .await
            .unwrap(),
    );
    assert_eq!(keyless.as_str(), "000.00.00.H06-261125-0003");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}
contract!(submissions_are_idempotent);

async fn a_failed_creation_writes_nothing(db: &Db) {
    let submitted = at("2026-11-25T09:00:00+07:00");
    let key = IdempotencyKey {
        owner: "u-1".into(),
        key: "k-fail".into(),
        request_hash: "h".into(),
    };
    let first = new_code(
        db.create_dossier(H06, day(), None, submission("d-1", "bn.a", submitted))
            .await
            .unwrap(),
    );
    assert_eq!(first.as_str(), "000.00.00.H06-261125-0001");
    assert_eq!(db.dossier_count().await.unwrap(), 1);

    // A write failing late in the transaction (the mail's id is taken) undoes the dossier,
    // its history, its audit events and the sequence number written before it.
    let err = db
        .create_dossier(
            H06,
            day(),
            Some(key.clone()),
            Box::new(move |c| {
                let d = dossier("d-2", c, "bn.a", submitted);
                Creation {
                    with: Accompanying {
                        history: vec![history(submitted, None, "submit", Status::Submitted)],
                        audit: vec![audit("dossier.submit", d.code.as_str())],
                        mails: vec![mail("m-new"), mail("m-d-1")],
                        drafts: Vec::new(),
                    },
                    dossier: d,
                }
            }),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(Conflict::Unique { .. })),
        "{err:?}"
    );
    assert_eq!(db.dossier_count().await.unwrap(), 1);
    assert!(db.dossier_history("d-2").await.unwrap().is_empty());
    assert!(
        db.dossier("000.00.00.H06-261125-0002")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(audit_count(db).await, 1);
    assert_eq!(db.pending_mail_count().await.unwrap(), 1);
    // Nothing was kept of it: not the sequence number, not the idempotency key (the same key
    // now makes a new dossier rather than replaying the failed one).
    let next = new_code(
        db.create_dossier(H06, day(), Some(key), submission("d-3", "bn.a", submitted))
            .await
            .unwrap(),
    );
    assert_eq!(next.as_str(), "000.00.00.H06-261125-0002");
}
contract!(a_failed_creation_writes_nothing);

async fn updates_check_the_revision_and_append_history(db: &Db) {
    let submitted = at("2026-11-25T09:00:00+07:00");
    let code = new_code(
        db.create_dossier(H06, day(), None, submission("d-1", "bn.a", submitted))
            .await
            .unwrap(),
    );
    let stored = db.dossier(code.as_str()).await.unwrap().unwrap();
    assert_eq!(stored.revision, 0);
    assert_eq!(
        db.public_status(code.as_str()).await.unwrap(),
        Some(PublicStatus {
            code: code.to_string(),
            procedure_code: "1.001193".into(),
            status: Status::Submitted,
            national_status: 1,
            submitted_at: submitted,
            due_at: Some(at("2026-12-02T17:00:00+07:00")),
            returned_at: None,
            secrets: LookupSecrets {
                key: None,
                phone_tail: Some("5678".into()),
                id_tail: Some("1234".into()),
            },
        })
    );
    let audits = audit_count(db).await;
    let mails = db.pending_mail_count().await.unwrap();

    // Accepted at the desk and forwarded to the competent agency.
    let accepted_at = at("2026-11-25T10:00:00+07:00");
    let forwarded_at = at("2026-11-25T11:00:00+07:00");
    let mut changed = stored.clone();
    changed.status = Status::Processing;
    changed.accepted_at = Some(accepted_at);
    changed.step = 1;
    changed.current_agency = "bn.b".into();
    changed.competent_agency = "bn.b".into();
    changed.assignee = Some(person("u-handler"));
    changed.due = Dues {
        legal: Some(at("2026-12-03T17:00:00+07:00")),
        kpi: Some(at("2026-12-03T16:30:00+07:00")),
    };
    changed.steps.push(StepRecord {
        step: 0,
        agency: "bn.a".into(),
        started_at: accepted_at,
        due: Some(at("2026-11-26T10:00:00+07:00")),
        finished_at: Some(forwarded_at),
        handed_by: Some(person("u-desk")),
    });
    changed.revision = 1;
    let entries = vec![
        history(accepted_at, Some("u-desk"), "accept", Status::Processing),
        history(forwarded_at, Some("u-desk"), "forward", Status::Processing),
    ];
    db.update_dossier(
        &changed,
        0,
        &Accompanying {
            history: entries.clone(),
            audit: vec![
                audit("dossier.accept", code.as_str()),
                audit("dossier.forward", code.as_str()),
            ],
            mails: vec![mail("m-accepted")],
            drafts: Vec::new(),
        },
    )
    .await
    .unwrap();

    assert_eq!(
        db.dossier(code.as_str()).await.unwrap(),
        Some(changed.clone())
    );
    let mut expected_history = vec![history(submitted, None, "submit", Status::Submitted)];
    expected_history.extend(entries);
    assert_eq!(db.dossier_history("d-1").await.unwrap(), expected_history);
    assert_eq!(audit_count(db).await, audits + 2);
    assert_eq!(db.pending_mail_count().await.unwrap(), mails + 1);
    assert_eq!(changed.national_status(), 4);
    assert_eq!(
        db.public_status(code.as_str()).await.unwrap(),
        Some(PublicStatus {
            code: code.to_string(),
            procedure_code: "1.001193".into(),
            status: Status::Processing,
            national_status: 4,
            submitted_at: submitted,
            due_at: Some(at("2026-12-03T17:00:00+07:00")),
            returned_at: None,
            secrets: LookupSecrets {
                key: None,
                phone_tail: Some("5678".into()),
                id_tail: Some("1234".into()),
            },
        })
    );
    let inbox_of = |agency: &str| InboxQuery {
        scope: Scope {
            agencies: BTreeSet::from([agency.to_owned()]),
            by_procedure: BTreeMap::new(),
        },
        limit: 50,
        ..InboxQuery::default()
    };
    let b = db.inbox(&inbox_of("bn.b")).await.unwrap();
    assert_eq!(b.total, 1);
    assert_eq!(b.items, vec![summary_of(&changed)]);
    assert_eq!(
        b.items[0].assignee_name.as_deref(),
        Some("Cán bộ u-handler")
    );
    let a = db.inbox(&inbox_of("bn.a")).await.unwrap();
    assert_eq!((a.items.len(), a.total), (0, 0), "it left the desk's inbox");
    let assigned = db
        .inbox(&InboxQuery {
            assignee: Some("u-handler".into()),
            ..inbox_of("bn.b")
        })
        .await
        .unwrap();
    assert_eq!(assigned.total, 1);

    // A stale screen: the expected revision is no longer the stored one.
    let mut stale = stored.clone();
    stale.status = Status::Refused;
    stale.finished_at = Some(at("2026-11-25T12:00:00+07:00"));
    stale.revision = 1;
    let err = db
        .update_dossier(
            &stale,
            0,
            &Accompanying {
                history: vec![history(
                    at("2026-11-25T12:00:00+07:00"),
                    Some("u-desk"),
                    "refuse",
                    Status::Refused,
                )],
                audit: vec![audit("dossier.refuse", code.as_str())],
                mails: vec![mail("m-refused")],
                drafts: Vec::new(),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::StaleRevision), "{err:?}");
    assert_eq!(
        db.dossier(code.as_str()).await.unwrap(),
        Some(changed.clone())
    );
    assert_eq!(db.dossier_history("d-1").await.unwrap(), expected_history);
    assert_eq!(audit_count(db).await, audits + 2);
    assert_eq!(db.pending_mail_count().await.unwrap(), mails + 1);
    assert_eq!(
        db.public_status(code.as_str())
            .await
            .unwrap()
            .unwrap()
            .status,
        Status::Processing
    );

    // An unknown dossier is stale too, and writes nothing.
    let mut ghost = changed.clone();
    ghost.id = "d-ghost".into();
    let err = db
        .update_dossier(
            &ghost,
            1,
            &Accompanying {
                history: vec![history(forwarded_at, None, "x", Status::Processing)],
                ..Accompanying::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::StaleRevision), "{err:?}");
    assert!(db.dossier_history("d-ghost").await.unwrap().is_empty());

    // The stored revision moved on: the next change expects 1.
    let returned_at = at("2026-12-01T15:00:00+07:00");
    let mut done = changed.clone();
    done.status = Status::Returned;
    done.finished_at = Some(at("2026-12-01T09:00:00+07:00"));
    done.returned_at = Some(returned_at);
    done.current_agency = "bn.a".into();
    done.revision = 2;
    let ret = history(
        returned_at,
        Some("u-desk"),
        "return_result",
        Status::Returned,
    );
    db.update_dossier(
        &done,
        1,
        &Accompanying {
            history: vec![ret.clone()],
            ..Accompanying::default()
        },
    )
    .await
    .unwrap();
    expected_history.push(ret);
    assert_eq!(db.dossier_history("d-1").await.unwrap(), expected_history);
    let public = db.public_status(code.as_str()).await.unwrap().unwrap();
    assert_eq!(
        (public.status, public.national_status, public.returned_at),
        (Status::Returned, 10, Some(returned_at))
    );
    let a = db.inbox(&inbox_of("bn.a")).await.unwrap();
    assert_eq!(a.items, vec![summary_of(&done)]);
    // Revision 1 is stale now.
    let err = db
        .update_dossier(&done, 1, &Accompanying::default())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::StaleRevision), "{err:?}");
    assert_eq!(db.dossier(code.as_str()).await.unwrap(), Some(done));
}
contract!(updates_check_the_revision_and_append_history);

/// A dossier far into its life: every optional field and every list filled.
fn full_dossier(c: DossierCode) -> Dossier {
    let t = |s: &str| at(s);
    let mut d = dossier(
        "d-full",
        c,
        "bn.a",
        t("2026-11-25T09:15:30.123456789+07:00"),
    );
    d.channel = SubmissionChannel::NationalPortal;
    d.competent_agency = "bn.stp".into();
    d.current_agency = "bn.stp".into();
    d.procedure = procedure("2.000123");
    d.lookup_key = "K7QM2XWD".into();
    d.applicant.kind = ApplicantKind::Organisation;
    d.applicant.tax_code = Some("0101234567-001".into());
    d.status = Status::Done;
    d.accepted_at = Some(t("2026-11-25T10:00:00.5+07:00"));
    d.finished_at = Some(t("2026-12-01T16:59:59.999999+07:00"));
    d.clock_events.extend([
        ClockEvent::SupplementRequested {
            at: t("2026-11-26T09:00:00+07:00"),
        },
        ClockEvent::SupplementReceived {
            at: t("2026-11-27T09:00:00+07:00"),
        },
    ]);
    d.step = 3;
    d.steps = vec![StepRecord {
        step: 0,
        agency: "bn.a".into(),
        started_at: t("2026-11-25T10:00:00+07:00"),
        due: None,
        finished_at: Some(t("2026-11-25T11:00:00+07:00")),
        handed_by: Some(person("u-desk")),
    }];
    d.assignee = Some(person("u-handler"));
    d.supplements = vec![SupplementRequest {
        at: t("2026-11-26T09:00:00+07:00"),
        by: person("u-handler"),
        items: vec![SupplementItem {
            component: "Tờ khai".into(),
            reason: "Thiếu chữ ký".into(),
        }],
        submitted_at: Some(t("2026-11-27T08:00:00+07:00")),
        received_at: Some(t("2026-11-27T09:00:00+07:00")),
    }];
    d.consultations = vec![Consultation {
        id: 1,
        agency: "bn.ca".into(),
        question: "Xác minh cư trú".into(),
        asked_by: Some(person("u-handler")),
        asked_at: t("2026-11-27T10:00:00+07:00"),
        due: Some(t("2026-11-30T10:00:00+07:00")),
        task: true,
        step: 1,
        answer: Some(Answer {
            text: "Đúng".into(),
            by: person("u-police"),
            at: t("2026-11-28T10:00:00+07:00"),
        }),
    }];
    d.closing_notice = Some(Notice {
        at: t("2026-11-29T10:00:00+07:00"),
        by: person("u-leader"),
        reason: "Ghi chú".into(),
    });
    d.approved_by = Some(person("u-leader"));
    d.apology = Some(Apology {
        at: t("2026-11-29T10:00:00+07:00"),
        by: person("u-leader"),
        reason: "Chờ xác minh".into(),
        old_due: Some(t("2026-12-02T17:00:00+07:00")),
        new_due: t("2026-12-04T17:00:00+07:00"),
    });
    d.due = Dues {
        legal: Some(t("2026-12-04T17:00:00+07:00")),
        kpi: None,
    };
    d.result = Some(IssuedResult {
        number: "125/GKS".into(),
        signed_on: date(2026, 12, 1),
        signer: Some("Hoàng Văn Đức".into()),
        file: Some(FileRef {
            id: "f-result".into(),
            name: "ket-qua.pdf".into(),
            media_type: "application/pdf".into(),
            size: 1,
            sha256: "cd".repeat(32),
        }),
        issued_at: t("2026-12-01T16:59:59.999999+07:00"),
        issued_by: person("u-clerk"),
    });
    d.revision = 0;
    d
}

async fn dossiers_round_trip_exactly(db: &Db) {
    let c = create_with(db, H06, day(), full_dossier).await;
    let expected = full_dossier(c.clone());
    let stored = db.dossier(c.as_str()).await.unwrap().expect("stored");
    assert_eq!(stored, expected);
    assert_eq!(
        stored.submitted_at,
        at("2026-11-25T09:15:30.123456789+07:00"),
        "sub-microsecond precision of the body is kept"
    );
    // Codes are looked up exactly; an unknown code is absent.
    assert!(
        db.dossier("000.00.00.H06-261125-0002")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        db.public_status("000.00.00.H06-261125-0002")
            .await
            .unwrap()
            .is_none()
    );
    assert!(db.dossier_history("d-unknown").await.unwrap().is_empty());
    // The projections agree with the body (instants to the microsecond the columns hold).
    let public = db.public_status(c.as_str()).await.unwrap().unwrap();
    assert_eq!(
        public,
        PublicStatus {
            code: c.to_string(),
            procedure_code: "2.000123".into(),
            status: Status::Done,
            national_status: 9,
            submitted_at: at("2026-11-25T09:15:30.123456+07:00"),
            due_at: Some(at("2026-12-04T17:00:00+07:00")),
            returned_at: None,
            secrets: LookupSecrets {
                key: Some("K7QM2XWD".into()),
                phone_tail: Some("5678".into()),
                // An organisation: the tax code's last four digits.
                id_tail: Some("7001".into()),
            },
        }
    );
    let owned = db.owned_dossiers("u-applicant", 10).await.unwrap();
    assert_eq!(owned.len(), 1);
    assert_eq!(
        owned[0].finished_at,
        Some(at("2026-12-01T16:59:59.999999+07:00"))
    );
    assert_eq!(owned[0].applicant_name, "Nguyễn Văn An");
    assert_eq!(owned[0].current_agency, "bn.stp");
}
contract!(dossiers_round_trip_exactly);

/// The summary the store should project from a dossier (instants with whole microseconds).
fn summary_of(d: &Dossier) -> DossierSummary {
    DossierSummary {
        code: d.code.to_string(),
        procedure_code: d.procedure.as_str().to_owned(),
        applicant_name: d.applicant.name.clone(),
        status: d.status,
        national_status: i64::from(d.national_status()),
        current_agency: d.current_agency.clone(),
        assignee_name: d.assignee.as_ref().map(|p| p.name.clone()),
        submitted_at: d.submitted_at,
        due_at: d.due.legal,
        queue_at: d.queue_at(),
        finished_at: d.finished_at,
    }
}

const P1: &str = "1.000001";
const P2: &str = "1.000002";

/// A dossier of the inbox fixture: agency, procedure, status, assignee, legal due, and minutes
/// after 08:00 when it was submitted.
type FixtureRow = (
    &'static str,
    &'static str,
    Status,
    Option<&'static str>,
    Option<&'static str>,
    i64,
);

/// Ten dossiers at three agencies; returned in creation order.
/// The fixture's applicants: shared family names, a shared given name, marks in both
/// spellings of a tone ("Hoà"/"Hòa").
const NAMES: [&str; 10] = [
    "Nguyễn Văn An",
    "Trần Thị Bích",
    "Nguyễn Thị Anh",
    "Lê Văn An",
    "Phạm Minh Châu",
    "Nguyễn Văn Bình",
    "Đặng Thu Hương",
    "Vũ Hoà",
    "Công ty TNHH Hòa Phát",
    "Nguyễn  VĂN  an",
];

async fn inbox_fixture(db: &Db) -> Vec<Dossier> {
    let rows: [FixtureRow; 10] = [
        (
            "bn.a",
            P1,
            Status::Processing,
            Some("u1"),
            Some("2026-12-01T10:00:00+07:00"),
            5,
        ),
        (
            "bn.a",
            P2,
            Status::Processing,
            None,
            Some("2026-11-28T10:00:00+07:00"),
            1,
        ),
        ("bn.a", P1, Status::Submitted, None, None, 9),
        (
            "bn.a",
            P1,
            Status::AwaitingSupplement,
            Some("u2"),
            Some("2026-12-05T10:00:00+07:00"),
            2,
        ),
        (
            "bn.a",
            P2,
            Status::Done,
            Some("u1"),
            Some("2026-11-30T10:00:00+07:00"),
            3,
        ),
        (
            "bn.b",
            P1,
            Status::Processing,
            Some("u1"),
            Some("2026-11-27T10:00:00+07:00"),
            4,
        ),
        ("bn.b", P2, Status::Processing, Some("u3"), None, 0),
        (
            "bn.b",
            P1,
            Status::Submitted,
            None,
            Some("2026-12-10T10:00:00+07:00"),
            7,
        ),
        (
            "bn.c",
            P1,
            Status::Processing,
            Some("u1"),
            Some("2026-11-26T10:00:00+07:00"),
            6,
        ),
        (
            "bn.c",
            P2,
            Status::Refused,
            None,
            // Same due as #2: the submission instant breaks the tie.
            Some("2026-11-28T10:00:00+07:00"),
            8,
        ),
    ];
    let base = at("2026-11-25T08:00:00+07:00");
    let mut out = Vec::new();
    for (i, (agency, proc_, status, assignee, due, minutes)) in rows.into_iter().enumerate() {
        let submitted = base + jiff::SignedDuration::from_mins(minutes);
        let id = format!("d-{i}");
        let c = create_with(db, H06, day(), move |c| {
            let mut d = dossier(&id, c, agency, submitted);
            d.procedure = procedure(proc_);
            d.status = status;
            d.owner_id = Some(format!("owner-{}", i % 3));
            d.applicant.name = NAMES[i].to_owned();
            // Written as people type them: spaced, dashed, or not at all.
            d.applicant.citizen_id = (i % 4 != 3).then(|| format!("0012 0300 {i:04}"));
            d.channel = [
                SubmissionChannel::Online,
                SubmissionChannel::Desk,
                SubmissionChannel::Postal,
            ][i % 3];
            d.assignee = assignee.map(person);
            d.due.legal = due.map(at);
            if status != Status::Submitted {
                d.accepted_at = Some(submitted);
                // Handling, approval, issue: the steps the queues tell apart.
                d.step = 1 + i % 3;
            }
            if matches!(status, Status::Done | Status::Refused) {
                d.finished_at = Some(at("2026-11-29T10:00:00+07:00"));
            }
            d
        })
        .await;
        out.push(db.dossier(c.as_str()).await.unwrap().unwrap());
    }
    out
}

/// What the inbox should return for `q`, computed from the fixture.
fn expected_page(all: &[Dossier], q: &InboxQuery) -> (Vec<DossierSummary>, i64) {
    let mut hits: Vec<&Dossier> = all
        .iter()
        .filter(|d| q.scope.contains(&d.current_agency, Some(&d.procedure)))
        .filter(|d| {
            q.assignee
                .as_ref()
                .is_none_or(|a| d.assignee.as_ref().is_some_and(|p| &p.user_id == a))
        })
        .filter(|d| q.agency.as_ref().is_none_or(|a| &d.current_agency == a))
        .filter(|d| q.statuses.is_empty() || q.statuses.contains(&d.status))
        .filter(|d| {
            q.due_before
                .is_none_or(|t| d.due.legal.is_some() && d.queue_at() <= t)
        })
        .filter(|d| {
            !q.open_only
                || matches!(
                    d.status,
                    Status::Submitted
                        | Status::Processing
                        | Status::AwaitingSupplement
                        | Status::Done
                )
        })
        .filter(|d| {
            q.procedure
                .as_ref()
                .is_none_or(|p| d.procedure.as_str() == p)
        })
        .filter(|d| {
            q.procedures
                .as_ref()
                .is_none_or(|codes| codes.iter().any(|p| d.procedure.as_str() == p))
        })
        .filter(|d| match &q.applicant {
            None => true,
            Some(ApplicantSearch::Name(prefix)) => {
                let name = motcua_core::text::fold(&d.applicant.name);
                let given = name.rsplit(' ').next().unwrap_or_default();
                name.starts_with(prefix.as_str()) || given.starts_with(prefix.as_str())
            }
            Some(ApplicantSearch::Ident(id)) => d.applicant.citizen_id.as_ref().is_some_and(|c| {
                c.chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    == *id
            }),
        })
        .filter(|d| q.channel.is_none_or(|c| d.channel == c))
        .filter(|d| {
            q.step_kind.is_none_or(|k| {
                d.status == Status::Processing && d.current_step().is_some_and(|s| s.kind == k)
            })
        })
        .filter(|d| {
            let (from, to) = q.submitted;
            from.is_none_or(|t| d.submitted_at >= t) && to.is_none_or(|t| d.submitted_at < t)
        })
        .filter(|d| {
            let (from, to) = q.due;
            (from.is_none() && to.is_none())
                || d.due
                    .legal
                    .is_some_and(|due| from.is_none_or(|t| due >= t) && to.is_none_or(|t| due < t))
        })
        .collect();
    match q.sort {
        InboxSort::Attention => hits.sort_by_key(|d| (d.queue_at(), d.code.clone())),
        InboxSort::Oldest => hits.sort_by_key(|d| (d.submitted_at, d.code.clone())),
        InboxSort::Newest => {
            hits.sort_by_key(|d| std::cmp::Reverse((d.submitted_at, d.code.clone())));
        }
    }
    let total = i64::try_from(hits.len()).unwrap();
    let page = hits
        .into_iter()
        .skip(usize::try_from(q.offset).unwrap())
        .take(usize::try_from(q.limit).unwrap())
        .map(summary_of)
        .collect();
    (page, total)
}

fn scope(agencies: &[&str], by_procedure: &[(&str, &[&str])]) -> Scope {
    Scope {
        agencies: agencies.iter().map(|a| (*a).to_owned()).collect(),
        by_procedure: by_procedure
            .iter()
            .map(|(p, ags)| (procedure(p), ags.iter().map(|a| (*a).to_owned()).collect()))
            .collect(),
    }
}

async fn the_inbox_filters_orders_and_pages(db: &Db) {
    let all = inbox_fixture(db).await;
    let codes = |items: &[DossierSummary]| -> Vec<String> {
        items.iter().map(|s| s.code.clone()).collect()
    };
    let everywhere = scope(&["bn.a", "bn.b", "bn.c"], &[]);
    let q = |scope: Scope| InboxQuery {
        scope,
        limit: 50,
        ..InboxQuery::default()
    };
    let check = |query: InboxQuery, label: &'static str| {
        let db = db.clone();
        let all = all.clone();
        async move {
            let page = db.inbox(&query).await.unwrap();
            let (items, total) = expected_page(&all, &query);
            assert_eq!(codes(&page.items), codes(&items), "{label}: rows and order");
            assert_eq!(page.items, items, "{label}: projections");
            assert_eq!(page.total, total, "{label}: total");
            page
        }
    };

    // Scope: one agency, nothing, one procedure at one agency, a mix.
    let a = check(q(scope(&["bn.a"], &[])), "bn.a").await;
    assert_eq!(a.total, 5);
    assert!(a.items.iter().all(|s| s.current_agency == "bn.a"));
    // Ordered by when each needs attention: the legal due, else the intake deadline.
    let order: Vec<_> = a.items.iter().map(|s| s.due_at).collect();
    let mut dues: Vec<_> = order.iter().flatten().copied().collect();
    dues.sort();
    assert_eq!(order.iter().flatten().copied().collect::<Vec<_>>(), dues);
    let none = check(q(Scope::default()), "empty scope").await;
    assert_eq!((none.items.len(), none.total), (0, 0));
    let hollow = check(q(scope(&[], &[(P1, &[])])), "procedure without agencies").await;
    assert_eq!(hollow.total, 0);
    let p1_at_b = check(q(scope(&[], &[(P1, &["bn.b"])])), "P1 at bn.b").await;
    assert_eq!(p1_at_b.total, 2);
    assert!(
        p1_at_b
            .items
            .iter()
            .all(|s| s.current_agency == "bn.b" && s.procedure_code == P1)
    );
    let mixed = check(
        q(scope(&["bn.c"], &[(P2, &["bn.a", "bn.b"])])),
        "bn.c and P2 at bn.a, bn.b",
    )
    .await;
    assert_eq!(mixed.total, 5);
    let all_rows = check(q(everywhere.clone()), "everything").await;
    assert_eq!(all_rows.total, 10);
    // Ties on the due are broken by the code (receipt day and daily number).
    let tied: Vec<&DossierSummary> = all_rows
        .items
        .iter()
        .filter(|s| s.due_at == Some(at("2026-11-28T10:00:00+07:00")))
        .collect();
    assert_eq!(tied.len(), 2);
    assert!(tied[0].code < tied[1].code);
    let open = check(
        InboxQuery {
            open_only: true,
            ..q(everywhere.clone())
        },
        "open only",
    )
    .await;
    assert!(open.total < all_rows.total, "refused dossiers are not open");

    // Filters, alone and together.
    let u1 = check(
        InboxQuery {
            assignee: Some("u1".into()),
            ..q(everywhere.clone())
        },
        "assignee u1",
    )
    .await;
    assert_eq!(u1.total, 4);
    let u1_in_a = check(
        InboxQuery {
            assignee: Some("u1".into()),
            ..q(scope(&["bn.a"], &[]))
        },
        "assignee u1 within bn.a",
    )
    .await;
    assert_eq!(u1_in_a.total, 2);
    let at_b = check(
        InboxQuery {
            agency: Some("bn.b".into()),
            ..q(everywhere.clone())
        },
        "agency bn.b",
    )
    .await;
    assert_eq!(at_b.total, 3);
    let outside = check(
        InboxQuery {
            agency: Some("bn.c".into()),
            ..q(scope(&["bn.a"], &[]))
        },
        "agency outside the scope",
    )
    .await;
    assert_eq!(outside.total, 0);
    let open = check(
        InboxQuery {
            statuses: vec![Status::Processing, Status::Submitted],
            ..q(everywhere.clone())
        },
        "statuses",
    )
    .await;
    assert_eq!(open.total, 7);
    let refused = check(
        InboxQuery {
            statuses: vec![Status::Refused],
            ..q(everywhere.clone())
        },
        "refused",
    )
    .await;
    assert_eq!(refused.total, 1);
    let due = check(
        InboxQuery {
            // Inclusive: the dossier due exactly then is in.
            due_before: Some(at("2026-11-30T10:00:00+07:00")),
            ..q(everywhere.clone())
        },
        "due before",
    )
    .await;
    assert_eq!(due.total, 5);
    assert!(due.items.iter().all(|s| s.due_at.is_some()));
    let p2 = check(
        InboxQuery {
            procedure: Some(P2.into()),
            ..q(everywhere.clone())
        },
        "procedure P2",
    )
    .await;
    assert_eq!(p2.total, 4);
    let combined = check(
        InboxQuery {
            assignee: Some("u1".into()),
            statuses: vec![Status::Processing],
            due_before: Some(at("2026-11-30T00:00:00+07:00")),
            procedure: Some(P1.into()),
            ..q(everywhere.clone())
        },
        "combined",
    )
    .await;
    assert_eq!(combined.total, 2);

    // The applicant, by name (marks, case and spacing do not matter; the start of the full
    // name or of the given name) and by identity number however it is spaced.
    let by = |text: &str| InboxQuery {
        applicant: ApplicantSearch::from_text(text),
        ..q(everywhere.clone())
    };
    let named = |page: &SummaryPage| -> Vec<String> {
        page.items
            .iter()
            .map(|s| s.applicant_name.clone())
            .collect()
    };
    let p = check(by("Nguyễn Văn"), "family and middle name").await;
    assert_eq!(p.total, 3, "{:?}", named(&p));
    let p = check(by("nguyen van an"), "full name without marks").await;
    assert_eq!(p.total, 2, "{:?}", named(&p));
    let p = check(by("AN"), "given name, any case").await;
    assert_eq!(
        p.total,
        4,
        "An, Anh, Lê Văn An and the spaced one: {:?}",
        named(&p)
    );
    let p = check(by("hoa"), "Hoà and Hòa fold alike").await;
    assert_eq!(p.total, 1, "{:?}", named(&p));
    let p = check(by("van an"), "a middle name is not a start").await;
    assert_eq!(p.total, 0);
    let p = check(by("001203000004"), "identity number").await;
    assert_eq!(named(&p), ["Phạm Minh Châu"]);
    let p = check(by("0012-0300-0004 "), "identity number as typed").await;
    assert_eq!(p.total, 1);
    let p = check(by("0012 0300 0003"), "no identity number given").await;
    assert_eq!(p.total, 0);
    assert_eq!(ApplicantSearch::from_text(" - "), None);

    // Channel, step, dates, several procedures.
    let p = check(
        InboxQuery {
            channel: Some(SubmissionChannel::Desk),
            ..q(everywhere.clone())
        },
        "desk channel",
    )
    .await;
    assert_eq!(p.total, 3);
    for k in [StepKind::Handle, StepKind::Approve, StepKind::Issue] {
        let p = check(
            InboxQuery {
                step_kind: Some(k),
                ..q(everywhere.clone())
            },
            "step kind",
        )
        .await;
        assert!(p.total > 0, "{k:?}");
        assert!(p.items.iter().all(|s| s.status == Status::Processing));
    }
    let p = check(
        InboxQuery {
            submitted: (
                Some(at("2026-11-25T08:03:00+07:00")),
                Some(at("2026-11-25T08:07:00+07:00")),
            ),
            ..q(everywhere.clone())
        },
        "submitted in a window",
    )
    .await;
    assert_eq!(p.total, 4, "minutes 3, 4, 5 and 6");
    let p = check(
        InboxQuery {
            due: (None, Some(at("2026-11-29T00:00:00+07:00"))),
            ..q(everywhere.clone())
        },
        "due before a day",
    )
    .await;
    assert_eq!(p.total, 4, "the 26th, 27th and twice the 28th");
    let p = check(
        InboxQuery {
            procedures: Some(vec![P1.into(), P2.into()]),
            ..q(everywhere.clone())
        },
        "several procedures",
    )
    .await;
    assert_eq!(p.total, 10);
    let p = check(
        InboxQuery {
            procedures: Some(Vec::new()),
            ..q(everywhere.clone())
        },
        "a field without procedures",
    )
    .await;
    assert_eq!(p.total, 0);

    // A wide scope (more than 32 agencies) is walked in queue order instead of per agency:
    // the same rows, open ones and one status alike.
    let mut many: Vec<String> = (0..40).map(|i| format!("bn.z{i}")).collect();
    many.extend(["bn.a", "bn.b", "bn.c"].map(str::to_owned));
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    for (label, open_only, statuses) in [
        ("wide, open", true, vec![]),
        ("wide, one status", false, vec![Status::Processing]),
        ("wide, every status", false, vec![]),
    ] {
        let p = check(
            InboxQuery {
                open_only,
                statuses,
                ..q(scope(&many, &[]))
            },
            label,
        )
        .await;
        assert!(p.total > 0, "{label}");
    }

    // Orders: by submission either way, ties broken by code.
    for sort in [InboxSort::Newest, InboxSort::Oldest, InboxSort::Attention] {
        let p = check(
            InboxQuery {
                sort,
                ..q(everywhere.clone())
            },
            "sorted",
        )
        .await;
        assert_eq!(p.total, 10);
        if sort == InboxSort::Newest {
            assert!(
                p.items
                    .windows(2)
                    .all(|w| w[0].submitted_at >= w[1].submitted_at)
            );
        }
    }

    // Paging: the total counts every match, whatever the page.
    let page = |limit: i64, offset: i64| InboxQuery {
        limit,
        offset,
        ..q(everywhere.clone())
    };
    let p = check(page(3, 0), "first page, more exist").await;
    assert_eq!((p.items.len(), p.total), (3, 10));
    let p = check(page(3, 3), "second page").await;
    assert_eq!((p.items.len(), p.total), (3, 10));
    let p = check(page(3, 9), "last, short page").await;
    assert_eq!((p.items.len(), p.total), (1, 10));
    let p = check(page(3, 12), "past the end").await;
    assert_eq!((p.items.len(), p.total), (0, 10));
    let p = check(page(10, 0), "one exactly full page").await;
    assert_eq!((p.items.len(), p.total), (10, 10));
    let p = check(page(11, 0), "one page with room").await;
    assert_eq!((p.items.len(), p.total), (10, 10));
    let p = check(
        InboxQuery {
            limit: 2,
            ..q(scope(&["bn.a"], &[]))
        },
        "scoped first page",
    )
    .await;
    assert_eq!((p.items.len(), p.total), (2, 5));
    // Pages put together are the whole, in order, without repeats.
    let mut joined = Vec::new();
    for offset in (0..10).step_by(4) {
        joined.extend(db.inbox(&page(4, offset)).await.unwrap().items);
    }
    assert_eq!(joined, all_rows.items);
}
contract!(the_inbox_filters_orders_and_pages);

async fn applicants_see_their_own_dossiers_newest_first(db: &Db) {
    let owned_by = |owner: Option<&'static str>, id: &'static str, submitted: &'static str| {
        move |c| {
            let mut d = dossier(id, c, "bn.a", at(submitted));
            d.owner_id = owner.map(Into::into);
            d
        }
    };
    // Created out of time order, so insertion order is not the answer.
    let mid = create_with(
        db,
        H06,
        day(),
        owned_by(Some("u-1"), "d-mid", "2026-11-25T10:00:00+07:00"),
    )
    .await;
    let old = create_with(
        db,
        H06,
        day(),
        owned_by(Some("u-1"), "d-old", "2026-11-25T08:00:00+07:00"),
    )
    .await;
    create_with(
        db,
        H06,
        day(),
        owned_by(Some("u-2"), "d-other", "2026-11-25T11:00:00+07:00"),
    )
    .await;
    create_with(
        db,
        H06,
        day(),
        owned_by(None, "d-desk", "2026-11-25T12:00:00+07:00"),
    )
    .await;
    let new = create_with(
        db,
        H06,
        date(2026, 11, 26),
        owned_by(Some("u-1"), "d-new", "2026-11-26T09:00:00+07:00"),
    )
    .await;
    let mine = db.owned_dossiers("u-1", 10).await.unwrap();
    assert_eq!(
        mine.iter().map(|s| s.code.clone()).collect::<Vec<_>>(),
        vec![new.to_string(), mid.to_string(), old.to_string()]
    );
    let stored = db.dossier(new.as_str()).await.unwrap().unwrap();
    assert_eq!(mine[0], summary_of(&stored));
    let two = db.owned_dossiers("u-1", 2).await.unwrap();
    assert_eq!(
        two.iter().map(|s| s.code.clone()).collect::<Vec<_>>(),
        vec![new.to_string(), mid.to_string()]
    );
    assert_eq!(db.owned_dossiers("u-2", 10).await.unwrap().len(), 1);
    assert!(db.owned_dossiers("nobody", 10).await.unwrap().is_empty());
}
contract!(applicants_see_their_own_dossiers_newest_first);

async fn a_desk_ledger_lists_its_dossiers_of_the_period_in_order(db: &Db) {
    let at_desk = |agency: &'static str, id: &'static str, submitted: &'static str| {
        move |c| {
            let mut d = dossier(id, c, agency, at(submitted));
            d.receiving_agency = agency.into();
            d
        }
    };
    let late = create_with(
        db,
        H06,
        day(),
        at_desk("bn.a", "d-late", "2026-11-25T15:00:00+07:00"),
    )
    .await;
    let early = create_with(
        db,
        H06,
        day(),
        at_desk("bn.a", "d-early", "2026-11-25T08:00:00+07:00"),
    )
    .await;
    create_with(
        db,
        H06,
        day(),
        at_desk("bn.b", "d-other", "2026-11-25T09:00:00+07:00"),
    )
    .await;
    create_with(
        db,
        H06,
        date(2026, 11, 26),
        at_desk("bn.a", "d-next", "2026-11-26T07:00:00+07:00"),
    )
    .await;
    let from = at("2026-11-25T00:00:00+07:00");
    let to = at("2026-11-26T00:00:00+07:00");
    let rows = db.desk_dossiers("bn.a", from, to, 100).await.unwrap();
    assert_eq!(
        rows.iter().map(|d| d.code.to_string()).collect::<Vec<_>>(),
        vec![early.to_string(), late.to_string()]
    );
    assert_eq!(rows[0], db.dossier(early.as_str()).await.unwrap().unwrap());
    assert_eq!(
        db.desk_dossiers("bn.a", from, to, 1).await.unwrap().len(),
        1
    );
    assert!(
        db.desk_dossiers("bn.c", from, to, 100)
            .await
            .unwrap()
            .is_empty()
    );
}
contract!(a_desk_ledger_lists_its_dossiers_of_the_period_in_order);

/// The ledger's numbering over the year counts what the desk received before the period: not
/// online dossiers still waiting for its check, not another desk's, not last year's — and
/// agrees with the ledger's own rule ([`Dossier::is_received`]) on the rows it lists.
async fn a_desk_counts_what_it_received_since_new_year(db: &Db) {
    let make = |agency: &'static str, id: &'static str, submitted: &'static str, status| {
        move |c| {
            let mut d = dossier(id, c, agency, at(submitted));
            d.receiving_agency = agency.into();
            d.status = status;
            if status == Status::Processing {
                d.accepted_at = Some(at(submitted));
            }
            d
        }
    };
    let cases = [
        (
            "bn.a",
            "r-old",
            "2025-12-31T23:59:59+07:00",
            Status::Processing,
        ),
        (
            "bn.a",
            "r-jan",
            "2026-01-01T00:00:00+07:00",
            Status::Processing,
        ),
        (
            "bn.a",
            "r-wait",
            "2026-02-10T09:00:00+07:00",
            Status::Submitted,
        ),
        // Refused at the check, never accepted: the ledger lists it, so it counts.
        (
            "bn.a",
            "r-refused",
            "2026-02-11T09:00:00+07:00",
            Status::Refused,
        ),
        (
            "bn.b",
            "r-other",
            "2026-01-05T09:00:00+07:00",
            Status::Processing,
        ),
        (
            "bn.a",
            "r-march",
            "2026-03-01T00:00:00+07:00",
            Status::Processing,
        ),
    ];
    for (agency, id, submitted, status) in cases {
        let day = at(submitted).to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)));
        create_with(db, H06, day.date(), make(agency, id, submitted, status)).await;
    }
    let new_year = at("2026-01-01T00:00:00+07:00");
    let march = at("2026-03-01T00:00:00+07:00");
    assert_eq!(db.desk_received("bn.a", new_year, march).await.unwrap(), 2);
    assert_eq!(db.desk_received("bn.b", new_year, march).await.unwrap(), 1);
    assert_eq!(db.desk_received("bn.c", new_year, march).await.unwrap(), 0);
    assert_eq!(db.desk_received("bn.a", march, march).await.unwrap(), 0);
    let listed = db
        .desk_dossiers("bn.a", new_year, march, 100)
        .await
        .unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed.iter().filter(|d| d.is_received()).count(), 2);

    // The count is answered from the desk index, not by walking the dossiers.
    let plan = match db.pools() {
        motcua_store::db::Pools::Sqlite { read, .. } => {
            let sql = motcua_store::dossier::DESK_RECEIVED
                .replace("$1", "'bn.a'")
                .replace("$2", &new_year.as_microsecond().to_string())
                .replace("$3", &march.as_microsecond().to_string());
            let rows: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
                    .fetch_all(read)
                    .await
                    .unwrap();
            rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("\n")
        }
        motcua_store::db::Pools::Postgres(pg) => {
            let sql = motcua_store::dossier::DESK_RECEIVED
                .replace("$1", "'bn.a'")
                .replace("$2", "'2026-01-01T00:00:00+07:00'::timestamptz")
                .replace("$3", "'2026-03-01T00:00:00+07:00'::timestamptz");
            let mut tx = pg.begin().await.unwrap();
            // A handful of rows would be read whole; what matters is that the index serves
            // the query once the table is large.
            sqlx::query("SET LOCAL enable_seqscan = off")
                .execute(&mut *tx)
                .await
                .unwrap();
            let rows: Vec<(String,)> =
                sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN {sql}")))
                    .fetch_all(&mut *tx)
                    .await
                    .unwrap();
            rows.into_iter().map(|r| r.0).collect::<Vec<_>>().join("\n")
        }
    };
    assert!(plan.contains("dossiers_desk"), "{plan}");
    if db.engine() == motcua_store::Engine::Sqlite {
        assert!(plan.contains("COVERING INDEX"), "{plan}");
    }
}
contract!(a_desk_counts_what_it_received_since_new_year);

async fn files_round_trip(db: &Db) {
    let content: Vec<u8> = (0..=255u8).chain([0, 0, 0xff, 0]).collect();
    let meta = FileMeta {
        id: "f-1".into(),
        owner_id: "u-1".into(),
        name: "bản scan tờ khai.pdf".into(),
        media_type: "application/pdf".into(),
        size: i64::try_from(content.len()).unwrap(),
        sha256: "0f".repeat(32),
    };
    let other = FileMeta {
        id: "f-2".into(),
        name: "empty.txt".into(),
        media_type: "text/plain".into(),
        size: 0,
        ..meta.clone()
    };
    let now = at("2026-11-25T09:00:00+07:00");
    assert_eq!(db.file_meta("f-1").await.unwrap(), None);
    db.put_file(&meta, &content, now).await.unwrap();
    db.put_file(&other, &[], now).await.unwrap();
    assert_eq!(db.file_meta("f-1").await.unwrap(), Some(meta.clone()));
    assert_eq!(db.file_content("f-1").await.unwrap(), Some(content));
    assert_eq!(db.file_meta("f-2").await.unwrap(), Some(other));
    assert_eq!(db.file_content("f-2").await.unwrap(), Some(Vec::new()));
    assert_eq!(db.file_meta("f-unknown").await.unwrap(), None);
    assert_eq!(db.file_content("f-unknown").await.unwrap(), None);
    // Ids are unique.
    let err = db.put_file(&meta, b"x", now).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(Conflict::Unique { .. })),
        "{err:?}"
    );
}
contract!(files_round_trip);

async fn process_templates_are_stored_per_procedure_and_agency(db: &Db) {
    let now = at("2026-11-25T09:00:00+07:00");
    assert_eq!(db.process_template(P1, "bn.a").await.unwrap(), None);
    let default = ProcessTemplate::default_for();
    db.set_process_template(P1, "bn.a", Some(&default), now)
        .await
        .unwrap();
    assert_eq!(
        db.process_template(P1, "bn.a").await.unwrap(),
        Some(default.clone())
    );
    assert_eq!(db.process_template(P1, "bn.b").await.unwrap(), None);
    assert_eq!(db.process_template(P2, "bn.a").await.unwrap(), None);

    let mut custom = ProcessTemplate::default_for();
    custom.steps[1].agency = StepAgency::Agency("bn.phong-tu-phap".into());
    custom.steps[1].parallel = vec!["bn.ca".into(), "bn.stnmt".into()];
    custom.steps[1].role = Role::UnitHead;
    custom.steps[1].share = 0.45;
    custom.steps[2].share = 0.25;
    db.set_process_template(P1, "bn.a", Some(&custom), now)
        .await
        .unwrap();
    assert_eq!(db.process_template(P1, "bn.a").await.unwrap(), Some(custom));
    db.set_process_template(P2, "bn.a", Some(&default), now)
        .await
        .unwrap();
    assert_eq!(
        db.process_template(P2, "bn.a").await.unwrap(),
        Some(default)
    );
    assert_eq!(
        db.process_templates_at("bn.a").await.unwrap(),
        vec![P1.to_owned(), P2.to_owned()]
    );
    assert!(db.process_templates_at("bn.b").await.unwrap().is_empty());
    db.set_process_template(P1, "bn.a", None, now)
        .await
        .unwrap();
    assert_eq!(db.process_template(P1, "bn.a").await.unwrap(), None);
    assert_eq!(
        db.process_templates_at("bn.a").await.unwrap(),
        vec![P2.to_owned()]
    );
}
contract!(process_templates_are_stored_per_procedure_and_agency);

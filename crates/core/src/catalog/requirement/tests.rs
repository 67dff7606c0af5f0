use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;

use super::*;

fn row(name: &str) -> ComponentRequirement {
    ComponentRequirement {
        name: name.into(),
        originals: 1,
        copies: 0,
        forms: vec![],
        kind: None,
        condition: None,
    }
}

fn kind_of(name: &str) -> RequirementKind {
    classify(&row(name)).kind
}

fn question_of(name: &str) -> String {
    classify(&row(name))
        .condition
        .unwrap_or_else(|| panic!("no condition for {name}"))
        .question
}

#[test]
fn birth_registration_rows() {
    // 1.001193, as published.
    let abandoned = classify(&row(
        "- Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi do cơ quan có thẩm quyền lập.",
    ));
    assert_eq!(abandoned.kind, RequirementKind::Conditional);
    assert_eq!(
        abandoned.document,
        "Biên bản về việc trẻ bị bỏ rơi do cơ quan có thẩm quyền lập."
    );
    let condition = abandoned.condition.unwrap();
    assert_eq!(condition.text, "trẻ em bị bỏ rơi");
    assert_eq!(
        condition.question,
        "Trường hợp trẻ em bị bỏ rơi có áp dụng với bạn không?"
    );
    assert_eq!(condition.topic, ConditionTopic::Situation);

    let letter = classify(&row(
        "- Văn bản ủy quyền (được chứng thực) theo quy định của pháp luật trong trường hợp ủy quyền thực hiện việc đăng ký khai sinh. Trường hợp người được ủy quyền là ông, bà, cha, mẹ, con, vợ, chồng, anh, chị, em ruột của người ủy quyền thì văn bản ủy quyền không phải chứng thực.",
    ));
    assert_eq!(letter.kind, RequirementKind::Conditional);
    assert!(
        letter
            .document
            .starts_with("Văn bản ủy quyền (được chứng thực) theo quy định của pháp luật. Trường hợp người được ủy quyền")
    );
    let condition = letter.condition.unwrap();
    assert_eq!(condition.question, AUTHORISATION_QUESTION);
    assert_eq!(condition.topic, ConditionTopic::Authorisation);

    assert_eq!(
        kind_of(
            "Trường hợp người yêu cầu đã nộp bản điện tử Giấy chứng sinh hoặc cơ quan đăng ký hộ tịch đã khai thác được dữ liệu điện tử có ký số của Giấy chứng sinh thì không phải nộp bản giấy."
        ),
        RequirementKind::Note
    );
    // "trường hợp" inside a required document: it qualifies the alternative, not the paper.
    assert_eq!(
        kind_of(
            "- Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng xác nhận về việc sinh; nếu không có người làm chứng thì phải có giấy cam đoan về việc sinh."
        ),
        RequirementKind::Required
    );
    let form = classify(&row(
        "- Tờ khai đăng ký khai sinh theo mẫu (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tiếp hoặc gửi hồ sơ qua hệ thống bưu chính);",
    ));
    assert_eq!(form.document, "Tờ khai đăng ký khai sinh theo mẫu");
    assert_eq!(
        form.condition.unwrap().topic,
        ConditionTopic::Channel(vec![Channel::Direct, Channel::Postal])
    );
    assert_eq!(
        question_of(
            "- Mẫu hộ tịch điện tử tương tác đăng ký khai sinh (do người yêu cầu cung cấp thông tin theo hướng dẫn trên Cổng dịch vụ công, nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tuyến)"
        ),
        "Bạn nộp hồ sơ trực tuyến?"
    );
}

#[test]
fn if_any() {
    let c = classify(&row("Giấy tờ chứng minh nơi cư trú (nếu có)"));
    assert_eq!(c.kind, RequirementKind::Conditional);
    assert_eq!(c.document, "Giấy tờ chứng minh nơi cư trú");
    let condition = c.condition.unwrap();
    assert_eq!(condition.topic, ConditionTopic::Possession);
    assert_eq!(
        condition.question,
        "Bạn có giấy tờ chứng minh nơi cư trú không?"
    );
    assert_eq!(kind_of("Giấy tờ (NẾU CÓ)"), RequirementKind::Conditional);
    assert_eq!(
        kind_of("Hóa đơn thương mại (nếu có): 01 bản chụp;"),
        RequirementKind::Conditional
    );
    // "(nếu có)" on a detail, or on the last of several papers, leaves the row required.
    assert_eq!(
        kind_of("Đơn đề nghị có chữ ký, con dấu (nếu có) của các bên"),
        RequirementKind::Required
    );
    assert_eq!(
        kind_of("Tờ trình đề nghị; hồ sơ dự án và các tài liệu khác có liên quan (nếu có);"),
        RequirementKind::Required
    );
}

#[test]
fn leading_conditions() {
    assert_eq!(
        question_of(
            "Đối với Quân đội nhân dân: Giấy giới thiệu đăng ký thường trú của đơn vị cấp trung đoàn."
        ),
        "Trường hợp quân đội nhân dân có áp dụng với bạn không?"
    );
    assert_eq!(
        question_of(
            "- Trường hợp gửi hồ sơ qua hệ thống bưu chính thì phải gửi kèm theo bản sao có chứng thực các giấy tờ phải xuất trình nêu trên."
        ),
        "Bạn nộp hồ sơ qua dịch vụ bưu chính?"
    );
    assert_eq!(
        kind_of("Nếu là cán bộ, công chức chuyển ngành, phải có nhận xét cán bộ"),
        RequirementKind::Conditional
    );
    // "Đối với …:" with nothing after is a heading.
    assert_eq!(
        kind_of(
            "- Đối với giấy tờ gửi kèm theo nếu người yêu cầu nộp hồ sơ theo hình thức trực tuyến:"
        ),
        RequirementKind::Note
    );
    assert_eq!(
        kind_of(
            "- Trường hợp người đi đăng ký khai sinh cho trẻ em là ông, bà, người thân thích khác thì không phải có văn bản ủy quyền của cha, mẹ trẻ em."
        ),
        RequirementKind::Note
    );
}

#[test]
fn notes() {
    for name in [
        "Lưu ý: Giấy tờ do cơ quan nước ngoài cấp phải được hợp pháp hóa lãnh sự.",
        "* Ghi chú: bản chụp phải rõ nét",
        "Số lượng hồ sơ: 01 bộ",
        "02 bộ hồ sơ",
        "- Người tiếp nhận có trách nhiệm tiếp nhận đúng, đủ hồ sơ",
        "Cơ quan đăng ký hộ tịch từ chối giải quyết nếu có cơ sở xác định nội dung cam đoan không đúng sự thật.",
        "- Người có yêu cầu đăng ký khai sinh thực hiện việc nộp các giấy tờ sau:",
        "(Trường hợp khai thác được thông tin thì không phải nộp)",
        "Phiếu này là biểu mẫu điện tử, công dân kê khai đối với trường hợp nộp hồ sơ trực tuyến.",
        "-",
    ] {
        assert_eq!(kind_of(name), RequirementKind::Note, "{name}");
    }
    // Every row of a "Lưu ý" group is a note, whatever it says.
    let case = ProcedureCase {
        name: "* Lưu ý:".into(),
        components: vec![row("Tờ khai đăng ký khai sinh")],
    };
    let c = &classify_case(&case)[0];
    assert_eq!(c.kind, RequirementKind::Note);
    assert_eq!(c.basis, Basis::Rule(Rule::NotesGroup));
    // A count of dossier sets is a remark; a count of drawings is a paper.
    assert_eq!(
        kind_of("- 02 bộ bản vẽ thiết kế xây dựng"),
        RequirementKind::Required
    );
}

#[test]
fn required_documents_that_mention_truong_hop() {
    for name in [
        "Tờ khai đăng ký khai sinh theo mẫu",
        "Báo cáo tổng hợp các trường hợp vi phạm trong năm",
        "Giấy tờ chứng minh thuộc trường hợp được miễn lệ phí",
        "Văn bản cam kết, trừ trường hợp đã nộp trước đó",
        "Bản sao giấy phép lái xe hoặc bản cam kết trong trường hợp giấy phép lái xe bị mất",
        "Báo cáo đánh giá tác động môi trường đối với dự án",
        "a) Đơn đề nghị cấp giấy phép;",
        "01 bản chính Giấy khai sinh",
    ] {
        let c = classify(&row(name));
        assert_eq!(c.kind, RequirementKind::Required, "{name}");
        assert!(!c.is_unclassified(), "{name}");
        assert_eq!(c.condition, None);
    }
}

#[test]
fn unmatched_rows_default_to_required_and_are_counted() {
    let c = classify(&row("Nội dung khai báo gồm họ tên, ngày sinh"));
    assert_eq!(c.kind, RequirementKind::Required);
    assert!(c.is_unclassified());
    let mut t = Tally::default();
    t.add(&c);
    t.add(&classify(&row("Giấy tờ (nếu có)")));
    assert_eq!(
        t,
        Tally {
            required: 1,
            conditional: 1,
            note: 0,
            unclassified: 1,
            explicit: 0
        }
    );
    assert_eq!(t.total(), 2);
}

#[test]
fn stated_kind_overrides_the_heuristic() {
    let mut r = row("Giấy tờ chứng minh nơi cư trú (nếu có)");
    r.kind = Some(RequirementKind::Required);
    let c = classify(&r);
    assert_eq!(
        (c.kind, c.basis, c.condition),
        (RequirementKind::Required, Basis::Explicit, None)
    );
    assert_eq!(c.document, "Giấy tờ chứng minh nơi cư trú (nếu có)");

    let mut r = row("Sổ hộ khẩu");
    r.kind = Some(RequirementKind::Conditional);
    r.condition = Some("Bạn đăng ký thường trú lần đầu?".into());
    let c = classify(&r);
    let condition = c.condition.unwrap();
    assert_eq!(c.basis, Basis::Explicit);
    assert_eq!(condition.question, "Bạn đăng ký thường trú lần đầu?");
    // The operator's question is asked, never answered from the channel.
    assert_eq!(condition.topic, ConditionTopic::Situation);

    // Conditional without a question: the heuristic's question when it found one, else one
    // about the document itself.
    let mut r = row("- Trường hợp trẻ em bị bỏ rơi thì phải có biên bản.");
    r.kind = Some(RequirementKind::Conditional);
    assert_eq!(
        classify(&r).condition.unwrap().question,
        "Trường hợp trẻ em bị bỏ rơi có áp dụng với bạn không?"
    );
    let mut r = row("Sổ hộ khẩu");
    r.kind = Some(RequirementKind::Conditional);
    assert_eq!(
        classify(&r).condition.unwrap().question,
        "Bạn có sổ hộ khẩu không?"
    );

    let mut r = row("Lưu ý: nộp bản sao");
    r.kind = Some(RequirementKind::Note);
    let mut t = Tally::default();
    t.add(&classify(&r));
    assert_eq!((t.note, t.explicit), (1, 1));
}

#[test]
fn alternatives_listed_by_a_sibling_row() {
    let case = ProcedureCase {
        name: "(1.1) Đối với công trình không theo tuyến".into(),
        components: vec![
            row(
                "- Một trong những giấy tờ hợp pháp về đất đai bao gồm: + Giấy chứng nhận quyền sử dụng đất được cấp theo quy định của Luật Đất đai qua các thời kỳ. + Giấy chứng nhận quyền sở hữu nhà ở.",
            ),
            row(
                "Giấy chứng nhận quyền sử dụng đất được cấp theo quy định của Luật Đất đai qua các thời kỳ. Trường hợp đã có trong Cơ sở dữ liệu thì được thay thế.",
            ),
            row("- Đơn đề nghị cấp giấy phép xây dựng theo Mẫu số 1"),
        ],
    };
    let c = classify_case(&case);
    assert_eq!(
        c.iter().map(|c| c.kind).collect::<Vec<_>>(),
        [
            RequirementKind::Required,
            RequirementKind::Conditional,
            RequirementKind::Required
        ]
    );
    assert_eq!(c[1].basis, Basis::Rule(Rule::OneOf));
    assert_eq!(
        c[1].condition.as_ref().unwrap().topic,
        ConditionTopic::Possession
    );
    // Alone, the row is an ordinary document.
    assert_eq!(
        classify(&case.components[1]).kind,
        RequirementKind::Required
    );
}

#[test]
fn authorisation_papers_without_a_stated_condition() {
    let c = classify(&row(
        "(i) Văn bản ủy quyền cho cá nhân thực hiện thủ tục (không bắt buộc phải công chứng, chứng thực).",
    ));
    assert_eq!(c.basis, Basis::Rule(Rule::AuthorisationPaper));
    assert_eq!(c.condition.unwrap().question, AUTHORISATION_QUESTION);
    // Appointing a household member as owner is not filing for someone.
    let c = classify(&row(
        "- Bản sao văn bản ủy quyền của các thành viên hộ gia đình cho một thành viên làm chủ hộ kinh doanh.",
    ));
    assert_eq!(c.kind, RequirementKind::Conditional);
    assert_eq!(c.condition.unwrap().topic, ConditionTopic::Possession);
}

#[test]
fn markers_are_stripped() {
    for (s, expected) in [
        ("- Giấy chứng sinh", "Giấy chứng sinh"),
        ("+ Bản sao", "Bản sao"),
        ("a) Đơn", "Đơn"),
        ("đ) Đơn", "Đơn"),
        ("k2) Đối với dự án", "Đối với dự án"),
        ("1. Tờ khai", "Tờ khai"),
        ("1.2) Tờ khai", "Tờ khai"),
        ("(1.3) Đối với công trình", "Đối với công trình"),
        ("(ii) Bản sao", "Bản sao"),
        ("IV. Hồ sơ", "Hồ sơ"),
        ("- a) Đơn", "Đơn"),
        ("(i)!Bản sao", "Bản sao"),
        ("*) Bản chính", "Bản chính"),
        ("\u{f0fc} Bản chính", "Bản chính"),
        ("Tờ khai", "Tờ khai"),
        ("01 bản chính Giấy khai sinh", "01 bản chính Giấy khai sinh"),
        ("10 ngày làm việc", "10 ngày làm việc"),
        ("", ""),
    ] {
        assert_eq!(strip_marker(s), expected, "{s:?}");
    }
}

#[test]
fn kinds_read_and_write_as_the_catalog_format_says() {
    for k in RequirementKind::ALL {
        let json = serde_json::to_string(&k).unwrap();
        assert_eq!(json, format!("\"{}\"", k.as_str()));
        assert_eq!(serde_json::from_str::<RequirementKind>(&json).unwrap(), k);
        assert!(!k.label_vi().is_empty());
    }
    let topic = serde_json::to_value(ConditionTopic::Channel(vec![Channel::Online])).unwrap();
    assert_eq!(
        topic,
        serde_json::json!({"topic": "channel", "channels": ["online"]})
    );
}

/// Vietnamese document-like text built from the phrases the rules look at, with markers,
/// punctuation and parentheses in any order.
fn row_text() -> impl Strategy<Value = String> {
    let pieces = vec![
        "Trường hợp",
        "trường hợp",
        "thì",
        "phải có",
        "nộp",
        "(nếu có)",
        "nếu có",
        "nếu",
        "nêu",
        "Đối với",
        "đối với",
        "Văn bản ủy quyền",
        "Giấy chứng sinh",
        "Tờ khai",
        "bản sao",
        "hoặc",
        "không phải nộp",
        "Lưu ý",
        "gồm",
        "sau",
        ":",
        ";",
        ",",
        ".",
        "(",
        ")",
        "- ",
        "+ ",
        "a)",
        "01",
        "bộ",
        "trực tuyến",
        "trực tiếp",
        "bưu chính",
        "khi",
        "người",
        "cơ quan",
        "này",
        "thi",
        "phải",
        "phái",
        "Một trong các giấy tờ",
        "\u{f0fc}",
        " ",
        "Đ",
        "ư\u{301}",
    ];
    prop::collection::vec(prop::sample::select(pieces), 0..30).prop_map(|v| v.join(" "))
}

fn shape(c: &Classified) -> (RequirementKind, Basis, Option<ConditionTopic>) {
    (
        c.kind,
        c.basis,
        c.condition.as_ref().map(|c| c.topic.clone()),
    )
}

proptest! {
    #[test]
    fn never_panics(name in "\\PC{0,300}", group in "\\PC{0,40}") {
        let mut r = row(&name);
        let c = classify_in(&group, &r);
        prop_assert_eq!(c.kind == RequirementKind::Conditional, c.condition.is_some());
        r.kind = Some(RequirementKind::Conditional);
        r.condition = Some(name.clone());
        let _ = classify_case(&ProcedureCase { name: group, components: vec![r.clone(), r] });
    }

    #[test]
    fn never_panics_on_catalog_like_text(name in row_text()) {
        let c = classify(&row(&name));
        prop_assert_eq!(c.kind == RequirementKind::Conditional, c.condition.is_some());
        prop_assert_eq!(c.raw, name);
    }

    #[test]
    fn stable_under_nfd_and_nfc(name in row_text()) {
        let nfc = classify(&row(&name));
        let nfd = classify(&row(&name.nfd().collect::<String>()));
        // Everything but the raw text is the same: the classifier works on NFC.
        prop_assert_eq!(
            (nfc.kind, nfc.basis, &nfc.document, &nfc.condition),
            (nfd.kind, nfd.basis, &nfd.document, &nfd.condition)
        );
    }

    #[test]
    fn stable_under_case(name in row_text()) {
        let as_is = classify(&row(&name));
        let lower = classify(&row(&name.to_lowercase()));
        let upper = classify(&row(&name.to_uppercase()));
        // Case does not change the decision (words that differ only by tone, "nếu"/"nêu", are
        // told apart by their tone, which upper case keeps).
        prop_assert_eq!(shape(&as_is), shape(&lower));
        prop_assert_eq!(shape(&lower), shape(&upper));
    }
}
